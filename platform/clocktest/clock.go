package clocktest

import (
	"container/heap"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// Clock is a fake platform.Clock. The zero value is not usable; call New. All methods are
// safe for concurrent use. Callbacks run on the goroutine that moves the clock, with no
// lock held, so they may call back into the clock (schedule, stop, read Now).
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	seq    uint64 // breaks ties between timers due at the same instant: FIFO
	timers timerHeap
}

var _ platform.Clock = (*Clock)(nil)

// New returns a fake clock reading start.
func New(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f to run once the clock has been moved d past the current time. A
// d ≤ 0 makes f due now: it runs on the next Advance, Set or Step (even Advance(0)),
// never inside AfterFunc itself, so callers holding their own locks cannot deadlock.
func (c *Clock) AfterFunc(d time.Duration, f func()) platform.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d < 0 {
		d = 0
	}
	t := &timer{c: c, when: c.now.Add(d), seq: c.seq, f: f, index: -1}
	c.seq++
	heap.Push(&c.timers, t)
	return t
}

// Advance moves the clock forward by d, running every callback due up to and including
// the new time in time order (ties in scheduling order). Before each callback the clock
// reads that callback's due time, so code that calls Now inside it sees the instant it
// was scheduled for. Callbacks may schedule more; those due within the window run too.
// A negative d is treated as 0.
func (c *Clock) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	c.runUntil(target)
}

// Set moves the clock to t. If t is later than Now, it behaves like Advance(t.Sub(Now()));
// if t is earlier, the clock is set back without running anything (pending timers keep
// their absolute due times), which is only meant for tests of clock skew.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	if t.Before(c.now) {
		c.now = t
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.runUntil(t)
}

// Step moves the clock to the earliest pending timer and runs every callback due at that
// instant, including ones they schedule for the same instant. It reports false, without
// moving the clock, when nothing is pending. A discrete-event loop is `for c.Step() {}`.
func (c *Clock) Step() bool {
	next, ok := c.Next()
	if !ok {
		return false
	}
	c.runUntil(next)
	return true
}

// Pending returns how many callbacks are scheduled and not yet run or stopped.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Next returns the due time of the earliest pending callback, if any. A callback that
// became due before Now (scheduled with d ≤ 0) reports Now.
func (c *Clock) Next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	if w := c.timers[0].when; w.After(c.now) {
		return w, true
	}
	return c.now, true
}

// runUntil runs due callbacks one at a time, releasing the lock around each, then leaves
// the clock at target. The clock never moves backwards, even if another goroutine
// advanced it further meanwhile.
func (c *Clock) runUntil(target time.Time) {
	for {
		c.mu.Lock()
		if len(c.timers) == 0 || c.timers[0].when.After(target) {
			if target.After(c.now) {
				c.now = target
			}
			c.mu.Unlock()
			return
		}
		t := heap.Pop(&c.timers).(*timer)
		if t.when.After(c.now) {
			c.now = t.when
		}
		c.mu.Unlock()
		t.f()
	}
}

// timer is one scheduled callback; index is its position in the heap, -1 once it has
// been run or stopped.
type timer struct {
	c     *Clock
	when  time.Time
	seq   uint64
	f     func()
	index int
}

// Stop removes the callback if it is still pending and reports whether it did.
func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.c.timers, t.index)
	return true
}

// timerHeap orders timers by due time, then by scheduling order.
type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when.Equal(h[j].when) {
		return h[i].seq < h[j].seq
	}
	return h[i].when.Before(h[j].when)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
