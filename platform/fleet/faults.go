package fleet

import (
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"time"
)

// ErrUnknownInstance is returned for an instance ID the fleet never launched.
var ErrUnknownInstance = errors.New("fleet: unknown instance")

// Kill crashes an instance, as a fault: its app is killed without grace, the load
// balancer finds it gone and the fleet replaces it like any failed instance.
func (f *Fleet) Kill(id string) error {
	f.mu.Lock()
	in := f.findLocked(id)
	if in == nil {
		f.mu.Unlock()
		return fmt.Errorf("%w %q", ErrUnknownInstance, id)
	}
	m := in.machine
	if m == nil || in.stopCalled {
		if in.state != Terminated {
			in.unhealthy = true
			f.emitLocked("killed", id, "")
			f.replaceLocked(in, "killed")
		}
		f.unlock()
		return nil
	}
	in.stopCalled = true
	in.unhealthy = true // the exit watcher treats it as a crash
	f.emitLocked("killed", id, "")
	f.unlock()
	return m.Stop(0)
}

// DefaultSpotNotice is the warning EC2 gives before it interrupts a Spot instance.
// Source: [doc] spot-instance-termination-notices.html (two minutes, best effort).
const DefaultSpotNotice = 2 * time.Minute

// Interrupt models a Spot interruption: a notice now, then, notice later (clock time,
// i.e. already compressed: pass Scale(DefaultSpotNotice, timescale)), the instance is
// reclaimed — its app is stopped and the group replaces it like any lost instance. The
// group does not act on the notice itself (capacity rebalancing is not modelled).
func (f *Fleet) Interrupt(id string, notice time.Duration) error {
	f.mu.Lock()
	defer f.unlock()
	in := f.findLocked(id)
	if in == nil {
		return fmt.Errorf("%w %q", ErrUnknownInstance, id)
	}
	if in.state >= Draining {
		return nil
	}
	f.emitLocked("spot_interruption_notice", id, "reclaimed in "+fmtDur(notice))
	f.o.Clock.AfterFunc(notice, func() {
		f.mu.Lock()
		defer f.unlock()
		if in.state >= Draining || f.closed {
			return
		}
		in.unhealthy = true
		f.emitLocked("spot_interrupted", id, "")
		if f.o.NoReplacement {
			f.terminateLocked(in)
			return
		}
		f.replaceLocked(in, "spot interruption")
	})
	return nil
}

// KillRandomly kills a random live instance at exponentially distributed intervals,
// ratePerHour times per hour of platform time on average (the clock time between kills is
// divided by the timescale), until the returned stop function is called. rng makes runs
// repeatable.
func (f *Fleet) KillRandomly(ratePerHour float64, rng *rand.Rand) (stop func()) {
	if !(ratePerHour > 0) || rng == nil {
		return func() {}
	}
	done := make(chan struct{})
	var schedule func()
	schedule = func() {
		gap := time.Duration(rng.ExpFloat64() / ratePerHour * float64(time.Hour) / f.o.Timescale)
		f.o.Clock.AfterFunc(gap, func() {
			select {
			case <-done:
				return
			default:
			}
			f.mu.Lock()
			var live []string
			for _, in := range f.insts {
				if in.state < Draining {
					live = append(live, in.id)
				}
			}
			closed := f.closed
			f.mu.Unlock()
			if closed {
				return
			}
			if len(live) > 0 {
				_ = f.Kill(live[rng.Intn(len(live))])
			}
			schedule()
		})
	}
	schedule()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}
