package lambda

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/apigw"
)

func TestPoolReusesWarmEnvironment(t *testing.T) {
	p, _, d := newTestPool(t, nil)
	e1 := mustAcquire(t, p)
	if !e1.Cold() {
		t.Error("first request was not a cold start")
	}
	p.Release(e1, 10*time.Millisecond, Succeeded)
	e2 := mustAcquire(t, p)
	if e2 != e1 || e2.Cold() {
		t.Errorf("second request got %s (cold %v), want warm %s", e2.ID(), e2.Cold(), e1.ID())
	}
	p.Release(e2, 10*time.Millisecond, Succeeded)
	if n := len(d.machines()); n != 1 {
		t.Errorf("%d apps started, want 1", n)
	}
	m := p.Meter()
	if m.ColdStarts != 1 || m.Invocations != 2 {
		t.Errorf("meter %+v, want 1 cold start, 2 invocations", m)
	}
}

// With concurrency limit 2 and 5 requests in flight, 3 are throttled; the throttle
// events are folded so that a burst does not flood the log.
func TestPoolConcurrencyLimit(t *testing.T) {
	p, clock, _ := newTestPool(t, func(o *PoolOptions) { o.Limit = 2 })
	var held []*Env
	throttled := 0
	for i := 0; i < 5; i++ {
		e, err := p.Acquire(context.Background())
		var te *ThrottleError
		switch {
		case err == nil:
			held = append(held, e)
		case errors.As(err, &te) && te.Reason == "concurrency" && errors.Is(err, apigw.ErrThrottled):
			throttled++
		default:
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if len(held) != 2 || throttled != 3 {
		t.Fatalf("%d served, %d throttled; want 2 and 3", len(held), throttled)
	}
	if c := p.Concurrency(); c != 2 {
		t.Errorf("concurrency %d, want 2", c)
	}
	p.Release(held[0], time.Millisecond, Succeeded)
	if e := mustAcquire(t, p); e != held[0] {
		t.Errorf("after a release the request got %s, want the freed %s", e.ID(), held[0].ID())
	}
	var throttleEvents []string
	for _, ev := range p.Events() {
		if ev.Kind == "throttle" {
			throttleEvents = append(throttleEvents, ev.Detail)
		}
	}
	if want := []string{"1 throttled: concurrency limit 2"}; !slices.Equal(throttleEvents, want) {
		t.Errorf("throttle events %q, want %q", throttleEvents, want)
	}
	clock.Advance(time.Second)
	if _, err := p.Acquire(context.Background()); err == nil {
		t.Fatal("a third request was served at the limit")
	}
	if got := p.Events(); got[len(got)-1].Detail != "3 throttled: concurrency limit 2" {
		t.Errorf("last event %+v, want the 2 folded throttles with the new one", got[len(got)-1])
	}
	if m := p.Meter(); m.Throttles != 4 || m.ConcurrencyThrottles != 4 || m.Invocations != 1 {
		t.Errorf("meter %+v", m)
	}
}

// After idle longer than the keep-alive the environment is reclaimed and the next
// request is a cold start.
func TestPoolKeepAliveReclaim(t *testing.T) {
	keep := 10 * time.Second // 10 min at timescale 60
	p, clock, d := newTestPool(t, func(o *PoolOptions) { o.KeepAlive = keep })
	e := mustAcquire(t, p)
	p.Release(e, time.Millisecond, Succeeded)
	clock.Advance(keep - time.Millisecond)
	if s := p.Status(); s.InService != 1 {
		t.Fatalf("reclaimed before the keep-alive: %+v", s)
	}
	// A request in between restarts the keep-alive.
	p.Release(mustAcquire(t, p), time.Millisecond, Succeeded)
	clock.Advance(keep - time.Millisecond)
	if s := p.Status(); s.InService != 1 {
		t.Fatalf("reclaimed though used %v ago: %+v", keep-time.Millisecond, s)
	}
	clock.Advance(time.Millisecond)
	if s := p.Status(); s.InService != 0 || s.Desired != 0 {
		t.Fatalf("not reclaimed after the keep-alive: %+v", s)
	}
	eventuallyStopped(t, d.machines()[0])
	e2 := mustAcquire(t, p)
	if !e2.Cold() || e2 == e {
		t.Errorf("request after the keep-alive got %s cold=%v, want a new cold environment", e2.ID(), e2.Cold())
	}
	p.Release(e2, time.Millisecond, Succeeded)
	if got, want := kinds(p.Events()), []string{"cold_start:lambda-1", "reclaim:lambda-1", "cold_start:lambda-2"}; !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
}

// The scaling rate limits new environments per window; warm ones are unaffected.
func TestPoolScalingRate(t *testing.T) {
	p, clock, _ := newTestPool(t, func(o *PoolOptions) {
		o.Limit, o.ScalingRate, o.ScalingWindow = 100, 3, 10*time.Second
	})
	var held []*Env
	for i := 0; i < 3; i++ {
		held = append(held, mustAcquire(t, p))
	}
	_, err := p.Acquire(context.Background())
	var te *ThrottleError
	if !errors.As(err, &te) || te.Reason != "scaling" {
		t.Fatalf("4th new environment in the window: %v, want a scaling throttle", err)
	}
	p.Release(held[0], time.Millisecond, Succeeded)
	held[0] = mustAcquire(t, p) // warm: no new environment needed
	clock.Advance(10*time.Second/3 + time.Millisecond)
	held = append(held, mustAcquire(t, p)) // one environment's worth refilled
	if _, err := p.Acquire(context.Background()); !errors.As(err, &te) {
		t.Fatalf("second refill came early: %v", err)
	}
	for _, e := range held {
		p.Release(e, time.Millisecond, Succeeded)
	}
	if m := p.Meter(); m.ColdStarts != 4 || m.ScalingThrottles != 2 {
		t.Errorf("meter %+v, want 4 cold starts and 2 scaling throttles", m)
	}
}

func TestBilledMillis(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want int64
	}{
		{0, 0}, {time.Nanosecond, 1}, {time.Millisecond, 1}, {time.Millisecond + 1, 2},
		{1500 * time.Microsecond, 2}, {3 * time.Second, 3000},
	}
	for _, tt := range tests {
		if got := BilledMillis(tt.d); got != tt.want {
			t.Errorf("BilledMillis(%v) = %d, want %d", tt.d, got, tt.want)
		}
	}
}

// A cold invocation is billed its INIT plus its duration, rounded up to 1 ms once; warm
// ones their duration alone.
func TestPoolBillingIncludesInit(t *testing.T) {
	p, _, d := newTestPool(t, nil)
	d.startup = 120400 * time.Microsecond
	e := mustAcquire(t, p)
	if e.InitDuration() != d.startup {
		t.Errorf("measured INIT %v, want %v", e.InitDuration(), d.startup)
	}
	p.Release(e, 35200*time.Microsecond, Succeeded)               // 155.6 ms → 156
	p.Release(mustAcquire(t, p), 100*time.Microsecond, Succeeded) // 0.1 ms → 1
	m := p.Meter()
	if m.BilledMillis != 157 || m.InitBilledMillis != 121 || m.Invocations != 2 {
		t.Errorf("meter %+v, want 157 ms billed of which INIT 121, 2 invocations", m)
	}
	if got, want := m.GBSeconds(), 1.0*0.157; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("GB-s %v, want %v", got, want)
	}
	if s := p.Stats(); s.InitP50 != d.startup || s.InitMax != d.startup {
		t.Errorf("stats %+v", s)
	}
}

func TestPoolTimeoutResetsEnvironment(t *testing.T) {
	p, _, d := newTestPool(t, nil)
	e := mustAcquire(t, p)
	p.Release(e, 3*time.Second, TimedOut)
	eventuallyStopped(t, d.machines()[0])
	if e2 := mustAcquire(t, p); !e2.Cold() {
		t.Error("the request after a timeout reused the reset environment")
	}
	m := p.Meter()
	if m.Timeouts != 1 || m.BilledMillis != 3000 {
		t.Errorf("meter %+v, want 1 timeout billed 3000 ms", m)
	}
}

func TestPoolInitFailures(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		p, _, d := newTestPool(t, nil)
		d.startup = 11 * time.Second
		_, err := p.Acquire(context.Background())
		if !errors.Is(err, apigw.ErrFunction) {
			t.Fatalf("Acquire: %v, want a function error", err)
		}
		eventuallyStopped(t, d.machines()[0])
		m := p.Meter()
		if m.InitFailures != 1 || m.BilledMillis != 10000 || m.ColdStarts != 0 {
			t.Errorf("meter %+v, want the 10 s INIT billed as one failed invocation", m)
		}
		if s := p.Status(); s.Pending+s.InService != 0 {
			t.Errorf("status %+v after a failed INIT", s)
		}
	})
	t.Run("app does not start", func(t *testing.T) {
		p, _, d := newTestPool(t, nil)
		d.fail = true
		if _, err := p.Acquire(context.Background()); !errors.Is(err, apigw.ErrFunction) {
			t.Fatalf("Acquire: %v, want a function error", err)
		}
		if c := p.Concurrency(); c != 0 {
			t.Errorf("concurrency %d after a failed start", c)
		}
	})
}

func TestPoolPlatformInit(t *testing.T) {
	p, clock, _ := newTestPool(t, func(o *PoolOptions) { o.PlatformInit = 50 * time.Millisecond })
	got := make(chan error, 1)
	go func() {
		e, err := p.Acquire(context.Background())
		if err == nil {
			p.Release(e, time.Millisecond, Succeeded)
		}
		got <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for clock.Pending() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("cold start never waited on the clock")
		}
		time.Sleep(time.Millisecond)
	}
	if s := p.Status(); s.Pending != 1 {
		t.Errorf("status during INIT %+v, want 1 pending", s)
	}
	clock.Advance(50 * time.Millisecond)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// The platform's part is latency, not billed INIT.
	if m := p.Meter(); m.InitBilledMillis != 0 {
		t.Errorf("platform init billed: %+v", m)
	}
}

func TestPoolProvisionedConcurrency(t *testing.T) {
	p, clock, d := newTestPool(t, func(o *PoolOptions) { o.Provisioned, o.KeepAlive = 2, time.Minute })
	if s := p.Status(); s.InService != 2 || len(d.machines()) != 2 {
		t.Fatalf("after Start: %+v, %d apps; want 2 warm", s, len(d.machines()))
	}
	a, b := mustAcquire(t, p), mustAcquire(t, p)
	c := mustAcquire(t, p) // spills over to on demand
	if a.Cold() || b.Cold() || !a.Provisioned() || !b.Provisioned() {
		t.Errorf("provisioned requests: %s cold=%v, %s cold=%v", a.ID(), a.Cold(), b.ID(), b.Cold())
	}
	if !c.Cold() || c.Provisioned() {
		t.Errorf("spill-over %s cold=%v provisioned=%v, want an on-demand cold start", c.ID(), c.Cold(), c.Provisioned())
	}
	for _, e := range []*Env{a, b, c} {
		p.Release(e, 20*time.Millisecond, Succeeded)
	}
	if e := mustAcquire(t, p); !e.Provisioned() {
		t.Errorf("idle provisioned environments were not preferred: got %s", e.ID())
	} else {
		p.Release(e, 20*time.Millisecond, Succeeded)
	}
	clock.Advance(5 * time.Minute)
	if s := p.Status(); s.InService != 2 {
		t.Errorf("after the keep-alive: %+v, want the 2 provisioned left", s)
	}
	m := p.Meter()
	want := Meter{MemoryMB: 1024, Arch: ArchX86, Invocations: 1, BilledMillis: 20, ColdStarts: 1,
		ProvisionedConcurrency: 2, ProvisionedEnabled: 5 * time.Minute, ProvisionedInvocations: 3, ProvisionedBilledMillis: 60}
	if m != want {
		t.Errorf("meter\n%+v, want\n%+v", m, want)
	}
}

func TestPoolReplacesCrashedEnvironments(t *testing.T) {
	p, _, d := newTestPool(t, func(o *PoolOptions) { o.Provisioned = 1 })
	d.machines()[0].crash()
	deadline := time.Now().Add(5 * time.Second)
	for len(d.machines()) < 2 || p.Status().InService != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("crashed provisioned environment not replaced: %v", kinds(p.Events()))
		}
		time.Sleep(time.Millisecond)
	}
	e := mustAcquire(t, p)
	if e.ID() != "lambda-2" || e.Cold() {
		t.Errorf("got %s cold=%v, want the warm replacement lambda-2", e.ID(), e.Cold())
	}
	p.Release(e, time.Millisecond, Crashed)
	eventuallyStopped(t, d.machines()[1])
}

func TestPoolStatusCPU(t *testing.T) {
	p, clock, d := newTestPool(t, func(o *PoolOptions) { o.MemoryMB, o.SampleInterval = 1769, time.Second })
	busy := mustAcquire(t, p)
	idle := mustAcquire(t, p)
	p.Release(idle, time.Millisecond, Succeeded)
	clock.Advance(time.Second) // first samples
	d.machines()[0].burn(0.6)  // 60 % of its 1 vCPU over the next second
	d.machines()[1].burn(0.1)  // idle: not in the busy average
	clock.Advance(time.Second)
	s := p.Status()
	if s.CPU < 59.9 || s.CPU > 60.1 || s.InService != 2 || s.MemoryMiB != 64 {
		t.Errorf("status %+v, want CPU 60 %% of the busy environment, 2 in service, 64 MiB", s)
	}
	p.Release(busy, time.Second, Succeeded)
}

func TestPoolCloseStopsEverything(t *testing.T) {
	p, _, d := newTestPool(t, func(o *PoolOptions) { o.Provisioned = 2 })
	e := mustAcquire(t, p)
	inflight := mustAcquire(t, p)
	p.Release(e, time.Millisecond, Succeeded)
	closed := make(chan error, 1)
	go func() { closed <- p.Close(context.Background()) }()
	// The invocation in flight ends after Close began: its environment is discarded.
	p.Release(inflight, time.Millisecond, Succeeded)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for _, m := range d.machines() {
		if m.stops() != 1 {
			t.Errorf("%s stopped %d times, want 1", m.spec.Name, m.stops())
		}
	}
	if _, err := p.Acquire(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Acquire after Close: %v", err)
	}
}
