// Package engine is the simulator's discrete-event core: a virtual clock that
// implements platform.Clock over a heap of events with a deterministic tie-break, and the
// allocation-free latency histogram the per-request path records into. It knows nothing
// of platforms or requests; package sim builds the simulation on it.
package engine

import (
	"time"

	"github.com/deploybench/deploybench/platform"
)

// Handler receives the engine's typed events: the hot-path events of requests and
// machines, which carry two small integers instead of a closure so that scheduling one
// allocates nothing.
type Handler interface {
	// Handle runs the event; arg and gen are what Schedule was given.
	Handle(arg int32, gen uint32)
}

// event is one typed event of the engine's heap: 32 bytes, so two share a cache line.
type event struct {
	at  int64 // nanoseconds since the origin
	seq uint64
	h   int32
	arg int32
	gen uint32
}

// timerEvent is one pending AfterFunc. Timers (health checks, metric periods, scaling
// loops) are rare beside the requests' typed events, so they wait in a heap of their own
// and the typed heap's entries stay small.
type timerEvent struct {
	at  int64
	seq uint64
	tm  *timer
}

// Engine is a discrete-event loop with a virtual clock (a 4-ary heap of typed events, a
// heap of timers and a lane for the next arrival; one sequence number orders ties across
// all three). It implements platform.Clock, so
// the platform models run on it unchanged. It is single-goroutine by design: every
// callback runs on the goroutine that calls Run, and nothing else may schedule events
// while it runs (the platform models only call the clock from its own callbacks when
// their driver is a fleet.EventDriver, as the simulator's is).
type Engine struct {
	origin   time.Time
	now      int64
	seq      uint64
	h        []event
	timers   []timerEvent
	handlers []Handler
	// The lane is one typed event kept beside the heap: the open source's next arrival,
	// which is due earlier than most pending events, so it skips the heap's sifting.
	laneAt int64
	laneH  int32
	laneOn bool
	// Events counts the events run so far (progress and benchmarks).
	Events uint64
}

var _ platform.Clock = (*Engine)(nil)

// New returns an engine whose clock reads origin.
func New(origin time.Time) *Engine {
	return &Engine{origin: origin, h: make([]event, 0, 1024)}
}

// Origin is the instant the clock started at.
func (e *Engine) Origin() time.Time { return e.origin }

// Nanos is the current time as nanoseconds since the origin: the hot path's time.
func (e *Engine) Nanos() int64 { return e.now }

// Now implements platform.Clock.
func (e *Engine) Now() time.Time { return e.origin.Add(time.Duration(e.now)) }

// AddHandler registers h and returns its index for Schedule.
func (e *Engine) AddHandler(h Handler) int32 {
	e.handlers = append(e.handlers, h)
	return int32(len(e.handlers) - 1)
}

// Schedule queues a typed event for handler h at absolute time at (nanoseconds since the
// origin; the past means now).
func (e *Engine) Schedule(at int64, h, arg int32, gen uint32) {
	if at < e.now {
		at = e.now
	}
	e.push(event{at: at, seq: e.seq, h: h, arg: arg, gen: gen})
	e.seq++
}

// timer is a pending AfterFunc.
type timer struct {
	f       func()
	pending bool
}

// Stop implements platform.Timer.
func (t *timer) Stop() bool {
	was := t.pending
	t.pending = false
	return was
}

// AfterFunc implements platform.Clock: f runs as an event d from now (at once-as-an-event
// when d ≤ 0, never inside AfterFunc).
func (e *Engine) AfterFunc(d time.Duration, f func()) platform.Timer {
	if d < 0 {
		d = 0
	}
	t := &timer{f: f, pending: true}
	e.pushTimer(timerEvent{at: e.now + int64(d), seq: e.seq, tm: t})
	e.seq++
	return t
}

// Pending reports whether any event is queued.
func (e *Engine) Pending() bool { return len(e.h) > 0 || len(e.timers) > 0 || e.laneOn }

// ScheduleLane queues the lane event of handler h at absolute time at, replacing any
// pending one. At equal times the lane runs before heap events.
func (e *Engine) ScheduleLane(at int64, h int32) {
	if at < e.now {
		at = e.now
	}
	e.laneAt, e.laneH, e.laneOn = at, h, true
}

// RunUntil runs every event due at or before until (nanoseconds since the origin) in
// time order, ties in scheduling order (the lane first), then sets the clock to until.
func (e *Engine) RunUntil(until int64) {
	for {
		// The next event is the earliest of the lane, the typed heap's top and the timer
		// heap's top; the lane wins ties, the others go by sequence number.
		typed := len(e.h) > 0 && e.h[0].at <= until
		if len(e.timers) > 0 && e.timers[0].at <= until &&
			(!typed || e.timers[0].at < e.h[0].at || (e.timers[0].at == e.h[0].at && e.timers[0].seq < e.h[0].seq)) {
			if e.laneOn && e.laneAt <= e.timers[0].at {
				e.runLane()
				continue
			}
			ev := e.popTimer()
			e.now = ev.at
			e.Events++
			if ev.tm.pending {
				ev.tm.pending = false
				ev.tm.f()
			}
			continue
		}
		if e.laneOn && e.laneAt <= until && (!typed || e.laneAt <= e.h[0].at) {
			e.runLane()
			continue
		}
		if !typed {
			break
		}
		ev := e.pop()
		e.now = ev.at
		e.Events++
		e.handlers[ev.h].Handle(ev.arg, ev.gen)
	}
	if until > e.now {
		e.now = until
	}
}

// runLane runs the lane's event.
func (e *Engine) runLane() {
	e.laneOn = false
	e.now = e.laneAt
	e.Events++
	e.handlers[e.laneH].Handle(0, 0)
}

// RunWhile runs events in order while cond holds and events remain; it reports whether
// cond still holds (false: it stopped because cond turned false).
func (e *Engine) RunWhile(limit int64, cond func() bool) bool {
	for cond() {
		next, ok := e.nextAt()
		if !ok || next > limit {
			return true
		}
		e.RunUntil(next)
	}
	return false
}

// nextAt is the time of the earliest pending event.
func (e *Engine) nextAt() (int64, bool) {
	at, ok := int64(0), false
	if len(e.h) > 0 {
		at, ok = e.h[0].at, true
	}
	if len(e.timers) > 0 && (!ok || e.timers[0].at < at) {
		at, ok = e.timers[0].at, true
	}
	if e.laneOn && (!ok || e.laneAt < at) {
		at, ok = e.laneAt, true
	}
	return at, ok
}

func less(a, b *event) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

// The typed heap is 4-ary: half the depth of a binary heap, and the four children of a
// node share a cache line. Sifting moves a hole and writes the event once at the end.
func (e *Engine) push(ev event) {
	e.h = append(e.h, ev)
	h := e.h
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !less(&ev, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = ev
}

func (e *Engine) pop() event {
	h := e.h
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	e.h = h
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for k := c + 1; k < c+4 && k < n; k++ {
			if less(&h[k], &h[m]) {
				m = k
			}
		}
		if !less(&h[m], &last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	return top
}

// The timer heap is binary: it is small and seldom touched.
func timerLess(a, b *timerEvent) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

func (e *Engine) pushTimer(ev timerEvent) {
	e.timers = append(e.timers, ev)
	h := e.timers
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !timerLess(&h[i], &h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (e *Engine) popTimer() timerEvent {
	h := e.timers
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h[n] = timerEvent{} // drop the reference to the callback
	h = h[:n]
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && timerLess(&h[r], &h[c]) {
			c = r
		}
		if !timerLess(&h[c], &h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	e.timers = h
	return top
}
