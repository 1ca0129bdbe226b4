package lambda

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
)

// newEventPool returns a started pool on a fake clock whose driver is an event driver
// with apps ready after ready; nothing in it runs outside clock events.
func newEventPool(t *testing.T, ready time.Duration, edit func(*PoolOptions)) (*Pool, *clocktest.Clock, *fleettest.EventDriver) {
	t.Helper()
	clock := clocktest.New(t0)
	d := fleettest.NewEventDriver(clock, ready)
	o := PoolOptions{
		Clock: clock, Driver: d, MemoryMB: 1769, Limit: 10, ScalingRate: 1000, ScalingWindow: 10 * time.Second,
		KeepAlive: 10 * time.Minute, InitTimeout: 10 * time.Second, PlatformInit: 100 * time.Millisecond, SampleInterval: -1,
	}
	if edit != nil {
		edit(&o)
	}
	p, err := NewPool(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return p, clock, d
}

// answer records AcquireFunc's callback.
type answer struct {
	calls int
	env   *Env
	err   error
}

func (a *answer) done(e *Env, err error) { a.calls, a.env, a.err = a.calls+1, e, err }

// TestEventedColdStartThenWarm: a cold start answers after the platform init and the
// app's start, both clock events; the next request gets the warm environment at once.
func TestEventedColdStartThenWarm(t *testing.T) {
	p, clock, _ := newEventPool(t, 300*time.Millisecond, nil)
	var a answer
	p.AcquireFunc(a.done)
	steps := []struct {
		advance time.Duration
		calls   int
	}{{0, 0}, {100 * time.Millisecond, 0}, {300*time.Millisecond - time.Nanosecond, 0}, {time.Nanosecond, 1}}
	for i, s := range steps {
		clock.Advance(s.advance)
		if a.calls != s.calls {
			t.Fatalf("step %d: %d answers, want %d", i, a.calls, s.calls)
		}
	}
	if a.err != nil || !a.env.Cold() || a.env.InitDuration() != 300*time.Millisecond {
		t.Fatalf("cold start: %v, cold %v, init %v", a.err, a.env != nil && a.env.Cold(), a.env.InitDuration())
	}
	if c := p.Concurrency(); c != 1 {
		t.Errorf("concurrency %d, want 1", c)
	}
	p.Release(a.env, 5*time.Millisecond, Succeeded)
	var b answer
	p.AcquireFunc(b.done)
	if b.calls != 1 || b.env != a.env || b.env.Cold() {
		t.Fatalf("warm request: %+v", b)
	}
	p.Release(b.env, 5*time.Millisecond, Succeeded)
	m := p.Meter()
	// The first invocation bills its INIT (300 ms) with its 5 ms; the second 5 ms.
	if m.ColdStarts != 1 || m.Invocations != 2 || m.BilledMillis != 310 || m.InitBilledMillis != 300 {
		t.Errorf("meter %+v", m)
	}
}

// TestEventedRefusals: the concurrency limit, the INIT timeout and a non-event driver
// are answered through the callback, the first at once.
func TestEventedRefusals(t *testing.T) {
	t.Run("concurrency", func(t *testing.T) {
		p, _, _ := newEventPool(t, time.Second, func(o *PoolOptions) { o.Limit = 1 })
		var a, b answer
		p.AcquireFunc(a.done)
		p.AcquireFunc(b.done)
		var te *ThrottleError
		if a.calls != 0 || b.calls != 1 || !errors.As(b.err, &te) || te.Reason != "concurrency" {
			t.Fatalf("first %+v, second %+v", a, b)
		}
	})
	t.Run("init timeout", func(t *testing.T) {
		p, clock, d := newEventPool(t, 30*time.Second, nil)
		var a answer
		p.AcquireFunc(a.done)
		clock.Advance(100*time.Millisecond + 10*time.Second)
		if a.calls != 1 || a.err == nil || !strings.Contains(a.err.Error(), "timed out") {
			t.Fatalf("answer %+v", a)
		}
		clock.Advance(0)
		if m := d.Machine("lambda-1"); m == nil || m.Stops() != 1 {
			t.Errorf("the timed-out app was not stopped")
		}
		if m := p.Meter(); m.InitFailures != 1 || m.BilledMillis != 10_000 {
			t.Errorf("meter %+v", m)
		}
		clock.Advance(30 * time.Second) // the app's late readiness changes nothing
		if a.calls != 1 {
			t.Errorf("%d answers", a.calls)
		}
	})
	t.Run("not evented", func(t *testing.T) {
		p, _, _ := newTestPool(t, nil)
		var a answer
		p.AcquireFunc(a.done)
		if a.calls != 1 || !errors.Is(a.err, errNotEvented) {
			t.Fatalf("answer %+v", a)
		}
	})
}

// TestEventedProvisionedAndReplacement: provisioned environments start as clock events
// (Start does not wait), and one whose app exits is replaced.
func TestEventedProvisionedAndReplacement(t *testing.T) {
	p, clock, d := newEventPool(t, time.Second, func(o *PoolOptions) { o.Provisioned = 2 })
	if st := p.Status(); st.Pending != 2 || st.InService != 0 {
		t.Fatalf("after Start: %+v", st)
	}
	clock.Advance(1100 * time.Millisecond)
	if st := p.Status(); st.InService != 2 {
		t.Fatalf("provisioned not warm: %+v", st)
	}
	d.Machine("lambda-1").Crash()
	clock.Advance(0)
	if st := p.Status(); st.InService != 1 || st.Pending != 1 {
		t.Fatalf("after crash: %+v", st)
	}
	clock.Advance(1100 * time.Millisecond)
	if st := p.Status(); st.InService != 2 {
		t.Fatalf("not replaced: %+v", st)
	}
	var a answer
	p.AcquireFunc(a.done)
	if a.calls != 1 || !a.env.Provisioned() || a.env.Cold() {
		t.Fatalf("request did not get a warm provisioned environment: %+v", a)
	}
	p.Charge(a.env, 100, 250)
	p.Return(a.env)
	if m := p.Meter(); m.ProvisionedInvocations != 100 || m.ProvisionedBilledMillis != 250 || m.Invocations != 0 {
		t.Errorf("meter %+v", m)
	}
}

// TestEventedKeepAlive: an idle environment is reclaimed after the keep-alive, as a
// clock event, and its app stopped.
func TestEventedKeepAlive(t *testing.T) {
	p, clock, d := newEventPool(t, 200*time.Millisecond, nil)
	var a answer
	p.AcquireFunc(a.done)
	clock.Advance(300 * time.Millisecond)
	p.Charge(a.env, 3, 9)
	p.Return(a.env)
	if m := p.Meter(); m.Invocations != 3 || m.BilledMillis != 209 {
		t.Errorf("meter %+v", m)
	}
	clock.Advance(10 * time.Minute)
	if st := p.Status(); st.InService != 0 {
		t.Fatalf("not reclaimed: %+v", st)
	}
	if d.Machine("lambda-1").Stops() != 1 {
		t.Error("app of the reclaimed environment not stopped")
	}
}
