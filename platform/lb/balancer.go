package lb

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// Errors callers branch on.
var (
	// ErrClosed is returned by calls on a closed Balancer.
	ErrClosed = errors.New("lb: balancer is closed")
	// ErrDuplicateTarget is returned when registering an ID that is already registered.
	ErrDuplicateTarget = errors.New("lb: target already registered")
	// ErrUnknownTarget is returned when deregistering an ID that is not registered.
	ErrUnknownTarget = errors.New("lb: target not registered")
)

// Target is a backend the balancer routes to: an instance, a task or, in simulation, a
// modelled instance.
type Target struct {
	// ID names the target uniquely within the balancer (an instance ID).
	ID string `json:"id"`
	// Addr is where the target listens, host:port on 127.0.0.1 in live runs. The
	// simulator may leave it empty.
	Addr string `json:"addr,omitempty"`
	// Weight is the relative share under weighted_random; zero means 1.
	Weight float64 `json:"weight,omitempty"`
}

// entry is the balancer's record of one registered target.
type entry struct {
	t      Target
	state  State
	reason string

	inflight int64
	succ     int // consecutive successful health checks
	fail     int // consecutive failed health checks
	probing  bool

	// Slow start: the target ramps up between slowFrom and slowUntil; credit accumulates
	// its fractional share of round-robin turns.
	slowFrom, slowUntil time.Time
	credit              float64

	hcTimer    platform.Timer
	drainTimer platform.Timer
	removed    bool
	// ctx ends when the target is removed, which cuts requests still in flight on it
	// (a deregistration delay that expired, or a target removed without one).
	ctx    context.Context
	cancel context.CancelFunc

	stats *targetCounters
	seq   int // registration number (Ticket.Seq)
}

// Balancer is the ALB decision logic: target registry, health state machine, routing.
// It starts no goroutine of its own: health checks run as Clock callbacks, so under a
// virtual clock the balancer is fully deterministic. All methods are safe for concurrent
// use.
type Balancer struct {
	cfg    Config
	clock  platform.Clock
	prober Prober
	lcu    *LCURecorder

	mu       sync.Mutex
	targets  []*entry // registered targets (including draining) in registration order
	byID     map[string]*entry
	routable []*entry // targets Pick may choose, rebuilt on every state change
	regs     int      // registrations so far: the next entry's seq
	failOpen bool
	next     uint64 // round-robin cursor
	rng      *rand.Rand
	stats    statsBook
	events   []Event // waiting for the observer
	history  []Event
	flushing bool
	closed   bool

	ctx    context.Context // ends on Close; cancels running probes
	cancel context.CancelFunc
	wg     sync.WaitGroup // running probes
}

// New returns a balancer. A nil prober disables health checks: targets are healthy as soon
// as they are registered (useful for simulations that model health elsewhere).
func New(cfg Config, clock platform.Clock, prober Prober) (*Balancer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if clock == nil {
		return nil, errors.New("lb: New: clock is nil (use platform.WallClock{} for live runs)")
	}
	cfg = cfg.WithDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	b := &Balancer{
		cfg:    cfg,
		clock:  clock,
		prober: prober,
		lcu:    NewLCURecorder(clock, cfg.LCUPeriod),
		byID:   make(map[string]*entry),
		rng:    rand.New(rand.NewSource(cfg.Seed)),
		ctx:    ctx,
		cancel: cancel,
	}
	b.stats.init()
	return b, nil
}

// Config returns the balancer's configuration with defaults applied.
func (b *Balancer) Config() Config { return b.cfg }

// Clock returns the clock the balancer runs on.
func (b *Balancer) Clock() platform.Clock { return b.clock }

// LCU returns the recorder of ALB capacity-unit inputs; the proxy feeds it connections and
// bytes, and a simulator may feed it directly.
func (b *Balancer) LCU() *LCURecorder { return b.lcu }

// Register adds a target in the initial state and starts its health checks; it joins the
// rotation once it passes InitialHealthyThreshold checks. An ID that is still registered,
// draining included, cannot be registered again until it is removed.
func (b *Balancer) Register(t Target) error {
	if t.ID == "" {
		return errors.New("lb: Register: target ID is empty")
	}
	if t.Weight < 0 {
		return fmt.Errorf("lb: Register: target %s: weight %v must not be negative", t.ID, t.Weight)
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return ErrClosed
	}
	if _, ok := b.byID[t.ID]; ok {
		b.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrDuplicateTarget, t.ID)
	}
	e := &entry{t: t, state: Initial, reason: ReasonRegistrationInProgress, stats: b.stats.get(t), seq: b.regs}
	b.regs++
	e.ctx, e.cancel = context.WithCancel(context.Background())
	b.targets = append(b.targets, e)
	b.byID[t.ID] = e
	b.eventLocked(e, Initial, Initial, ReasonRegistrationInProgress)
	if b.prober == nil {
		b.setStateLocked(e, Healthy, "")
	} else {
		// The first check goes out at once; later ones every interval.
		e.hcTimer = b.clock.AfterFunc(0, func() { b.healthTick(e) })
	}
	b.unlockAndFlush()
	return nil
}

// Deregister starts draining a target: it gets no new requests, its in-flight requests
// may finish, and it is removed when the last one completes or when the deregistration
// delay expires, whichever comes first. The first is what ALB does too: "If a
// deregistering target has no in-flight requests and no active connections, Elastic Load
// Balancing immediately completes the deregistration process" (target group
// deregistration delay, ELB user guide). When the delay expires, requests still in flight
// are cut, as ALB closes the remaining connections.
func (b *Balancer) Deregister(id string) error {
	b.mu.Lock()
	e, ok := b.byID[id]
	if !ok || e.state == Draining {
		b.mu.Unlock()
		if ok {
			return nil // already draining
		}
		return fmt.Errorf("%w: %s", ErrUnknownTarget, id)
	}
	stop(&e.hcTimer)
	b.setStateLocked(e, Draining, ReasonDeregistrationInProgress)
	switch delay := b.cfg.EffectiveDeregistrationDelay(); {
	case e.inflight == 0:
		b.removeLocked(e, "drained")
	case delay == 0:
		b.removeLocked(e, "no deregistration delay")
	default:
		e.drainTimer = b.clock.AfterFunc(delay, func() {
			b.mu.Lock()
			if !e.removed {
				b.removeLocked(e, "deregistration delay expired")
			}
			b.unlockAndFlush()
		})
	}
	b.unlockAndFlush()
	return nil
}

// removeLocked takes e out of the registry; it reports the ALB "unused" state.
func (b *Balancer) removeLocked(e *entry, why string) {
	e.removed = true
	// Requests still in flight are cut by e.cancel; stop counting them.
	b.stats.inflight -= e.inflight
	e.inflight = 0
	stop(&e.hcTimer)
	stop(&e.drainTimer)
	e.cancel()
	for i, x := range b.targets {
		if x == e {
			b.targets = append(b.targets[:i], b.targets[i+1:]...)
			break
		}
	}
	delete(b.byID, e.t.ID)
	b.setStateLocked(e, Unused, ReasonNotRegistered+" ("+why+")")
}

// setStateLocked changes e's state, records the event and rebuilds the routable set.
func (b *Balancer) setStateLocked(e *entry, to State, reason string) {
	from := e.state
	e.state, e.reason = to, reason
	e.slowFrom, e.slowUntil, e.credit = time.Time{}, time.Time{}, 0
	if to == Healthy {
		b.maybeSlowStartLocked(e)
	}
	b.eventLocked(e, from, to, reason)
	b.rebuildLocked()
}

func (b *Balancer) eventLocked(e *entry, from, to State, reason string) {
	ev := Event{At: b.clock.Now(), Target: e.t, From: from, To: to, Reason: reason}
	b.history = append(b.history, ev)
	if b.cfg.Observer != nil {
		b.events = append(b.events, ev)
	}
}

// rebuildLocked recomputes which targets Pick may choose: the healthy ones, or — when
// fewer than RoutingMinHealthy are healthy and fail-open is on — every healthy and
// unhealthy target, as ALB routes "to all those targets, regardless of their health
// status". Initial and draining targets never get new requests.
func (b *Balancer) rebuildLocked() {
	b.routable = b.routable[:0]
	healthy := 0
	for _, e := range b.targets {
		if e.state == Healthy {
			b.routable = append(b.routable, e)
			healthy++
		}
	}
	b.failOpen = false
	if healthy >= b.cfg.RoutingMinHealthy || b.cfg.DisableFailOpen {
		return
	}
	b.routable = b.routable[:0]
	for _, e := range b.targets {
		if e.state == Healthy || e.state == Unhealthy {
			b.routable = append(b.routable, e)
			if e.state == Unhealthy {
				b.failOpen = true
			}
		}
	}
}

// unlockAndFlush releases b.mu and then delivers queued events to the observer, in order,
// without holding the lock. If another goroutine is already delivering, it takes these
// events too, so order is kept and an observer that calls back into the balancer cannot
// deadlock.
func (b *Balancer) unlockAndFlush() {
	if b.flushing || len(b.events) == 0 {
		b.mu.Unlock()
		return
	}
	b.flushing = true
	for len(b.events) > 0 {
		evs := b.events
		b.events = nil
		b.mu.Unlock()
		for _, ev := range evs {
			b.cfg.Observer(ev)
		}
		b.mu.Lock()
	}
	b.flushing = false
	b.mu.Unlock()
}

// Events returns every state change so far, in order.
func (b *Balancer) Events() []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Event(nil), b.history...)
}

// TargetState is a point-in-time view of one registered target.
type TargetState struct {
	Target   Target `json:"target"`
	State    State  `json:"state"`
	Reason   string `json:"reason,omitempty"`
	InFlight int64  `json:"in_flight"`
	// SlowStart is true while the target ramps up after turning healthy.
	SlowStart bool `json:"slow_start,omitempty"`
}

// Targets returns the registered targets (including draining ones) in registration order.
func (b *Balancer) Targets() []TargetState {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]TargetState, len(b.targets))
	for i, e := range b.targets {
		out[i] = TargetState{Target: e.t, State: e.state, Reason: e.reason, InFlight: e.inflight,
			SlowStart: b.clock.Now().Before(e.slowUntil)}
	}
	return out
}

// Close stops health checks and deregistration timers and waits for running probes. It
// does not cut requests in flight; the proxy's Close does that. Close is idempotent.
func (b *Balancer) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	for _, e := range b.targets {
		stop(&e.hcTimer)
		stop(&e.drainTimer)
	}
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
	return nil
}

// stop stops a timer if set and forgets it.
func stop(t *platform.Timer) {
	if *t != nil {
		(*t).Stop()
		*t = nil
	}
}
