package fleet

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// Fleet is a group of instances of one type held at a desired capacity. It is safe for
// concurrent use. Clock callbacks, driver calls and load balancer callbacks may arrive on
// any goroutine; callbacks into Targets and OnEvent/OnCPU are made outside the fleet's
// lock, in the order they were decided, so they may call back into the Fleet.
type Fleet struct {
	o      Options
	ctx    context.Context // lives until Close; app processes and waits hang off it
	cancel context.CancelFunc
	origin time.Time // platform time = origin + (clock − origin) × Timescale

	mu       sync.Mutex
	seq      int
	desired  int
	closed   bool
	insts    []*instance // every instance ever launched, in launch order
	records  []platform.InstanceRecord
	events   []platform.Event
	sampler  platform.Timer
	queue    []func() // callbacks decided under mu, run after it by unlock
	flushing bool
	changed  chan struct{} // closed and replaced at every event

	wg sync.WaitGroup // goroutines: app starts, exit watchers, stops
}

// instance is the fleet's book-keeping for one instance; guarded by Fleet.mu.
type instance struct {
	id          string
	state       State
	launchedAt  time.Time
	inServiceAt time.Time
	timer       platform.Timer // pending, boot or grace timer
	machine     Machine
	cancelWait  context.CancelFunc
	registered  bool
	unhealthy   bool
	replacing   bool
	stopCalled  bool
	rec         int // index in Fleet.records
	credits     Credits
	allowance   float64
	last        Sample
	haveLast    bool
	haveCPU     bool
	cpu         float64
	memBytes    uint64
}

// New returns an empty fleet (desired 0) whose CPU sampler runs until Close.
func New(o Options) (*Fleet, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &Fleet{o: o, ctx: ctx, cancel: cancel, origin: o.Clock.Now(), changed: make(chan struct{})}
	f.mu.Lock()
	f.sampler = f.o.Clock.AfterFunc(f.o.SampleInterval, f.sample)
	f.mu.Unlock()
	return f, nil
}

// unlock releases mu and then runs, in order, every callback queued while it was held.
// Callbacks queued by a callback (or by another goroutine meanwhile) run in the same loop,
// so Targets and observers see decisions in the order they were made.
func (f *Fleet) unlock() {
	if f.flushing {
		f.mu.Unlock()
		return
	}
	f.flushing = true
	for len(f.queue) > 0 {
		q := f.queue
		f.queue = nil
		f.mu.Unlock()
		for _, fn := range q {
			fn()
		}
		f.mu.Lock()
	}
	f.flushing = false
	f.mu.Unlock()
}

// PlatformTime maps a clock time to uncompressed platform time (for billing).
func (f *Fleet) PlatformTime(t time.Time) time.Time {
	if f.o.Timescale == 1 {
		return t
	}
	return f.origin.Add(time.Duration(float64(t.Sub(f.origin)) * f.o.Timescale))
}

// SetDesired sets the desired capacity (≥ 0) and launches or drains instances to meet
// it. Clamping to min and max is the caller's job (the ASG's).
func (f *Fleet) SetDesired(n int) {
	if n < 0 {
		n = 0
	}
	f.mu.Lock()
	defer f.unlock()
	f.desired = n
	f.reconcileLocked()
}

// Desired returns the desired capacity.
func (f *Fleet) Desired() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.desired
}

// reconcileLocked launches or removes instances so that the instances not on their way
// out match desired. Scale-in picks instances not yet in service first (no work lost),
// then the newest in service: a simplification of the ASG default termination policy,
// whose AZ balancing and launch-template age do not apply to one local group.
func (f *Fleet) reconcileLocked() {
	if f.closed {
		return
	}
	var active []*instance
	for _, in := range f.insts {
		if in.state < Draining && !in.replacing {
			active = append(active, in)
		}
	}
	for n := len(active); n < f.desired; n++ {
		f.launchLocked()
	}
	excess := len(active) - f.desired
	for pass := 0; pass < 2 && excess > 0; pass++ {
		for i := len(active) - 1; i >= 0 && excess > 0; i-- {
			in := active[i]
			if (pass == 0) == (in.state < InService) && in.state < Draining {
				f.drainLocked(in, "scale-in")
				excess--
			}
		}
	}
}

func (f *Fleet) launchLocked() {
	f.seq++
	now := f.o.Clock.Now()
	in := &instance{
		id:         fmt.Sprintf("%s-%d", f.o.Prefix, f.seq),
		launchedAt: now,
		allowance:  f.o.VCPU,
		rec:        len(f.records),
	}
	if f.o.NewCredits != nil {
		in.credits = f.o.NewCredits()
	}
	f.insts = append(f.insts, in)
	f.records = append(f.records, platform.InstanceRecord{
		ID: in.id, Type: f.o.InstanceType, Purchase: f.o.Purchase, LaunchedAt: f.PlatformTime(now),
	})
	f.emitLocked("launch", in.id, f.o.InstanceType)
	in.timer = f.o.Clock.AfterFunc(f.o.PendingDelay, func() { f.running(in) })
}

// move changes an instance's state if the lifecycle allows it.
func (f *Fleet) move(in *instance, to State) bool {
	if !in.state.canMove(to) {
		return false
	}
	in.state = to
	return true
}

func (f *Fleet) emitLocked(kind, id, detail string) {
	e := platform.Event{At: f.o.Clock.Now(), Kind: kind, Instance: id, Detail: detail}
	f.events = append(f.events, e)
	close(f.changed)
	f.changed = make(chan struct{})
	if f.o.OnEvent != nil {
		f.queue = append(f.queue, func() { f.o.OnEvent(e) })
	}
}

// Emit records an event of the platform that owns the fleet (e.g. a scaling decision),
// so that the fleet's event log is the platform's whole timeline.
func (f *Fleet) Emit(kind, instance, detail string) {
	f.mu.Lock()
	defer f.unlock()
	f.emitLocked(kind, instance, detail)
}

// Changed returns a channel that is closed at the fleet's next event (any state change),
// so that callers can wait for a condition without polling: check, then wait on Changed.
func (f *Fleet) Changed() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

// Events returns a copy of every event so far, in order.
func (f *Fleet) Events() []platform.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]platform.Event(nil), f.events...)
}

// Close terminates every instance, stops the sampler and waits (until ctx ends) for the
// apps to exit. The fleet launches nothing afterwards.
func (f *Fleet) Close(ctx context.Context) error {
	f.mu.Lock()
	f.closed = true
	if f.sampler != nil {
		f.sampler.Stop()
	}
	for _, in := range f.insts {
		f.terminateLocked(in)
	}
	f.unlock()
	f.cancel()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("fleet: close: %w", ctx.Err())
	}
}
