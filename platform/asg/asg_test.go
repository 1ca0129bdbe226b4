package asg_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/asg"
	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/lb"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type simRig struct {
	clock  *clocktest.Clock
	driver *fleettest.EventDriver
	p      *asg.Platform
}

// newSim builds a group as the simulator runs it: a fake clock, event-driven fake
// machines (ready at once), and no front door, so the balancer counts targets healthy as
// soon as they register. Every consequence of a clock step is visible when Advance returns.
func newSim(t *testing.T, cfg asg.Config) *simRig {
	t.Helper()
	clock := clocktest.New(t0)
	r := &simRig{clock: clock, driver: fleettest.NewEventDriver(clock, 0)}
	p, err := asg.New(cfg, asg.Env{World: fleet.World{Clock: r.clock, Driver: r.driver}, NoFrontDoor: true})
	if err != nil {
		t.Fatal(err)
	}
	r.p = p
	t.Cleanup(func() { _ = p.Stop(context.Background()) })
	done := make(chan error, 1)
	go func() { done <- p.Start(context.Background()) }()
	fleettest.Eventually(t, "launch", func() bool { return len(p.Fleet().Instances()) == cfg.WithDefaults().Desired })
	r.clock.Advance(25 * time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return r
}

// run advances the clock second by second for d, burning pct % of every in-service
// instance's 2 vCPUs before each second.
func (r *simRig) run(d time.Duration, pct float64) {
	for i := 0; i < int(d/time.Second); i++ {
		for _, in := range r.p.Fleet().Instances() {
			if in.State == fleet.InService {
				r.driver.Machine(in.ID).Burn(r.clock.Now(), 2*pct/100)
			}
		}
		r.clock.Advance(time.Second)
	}
}

func count(evs []platform.Event, kind string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// TestTargetTrackingScalesOutAndIn: 90 % CPU on a 50 % target scales out (proportionally:
// ⌈1 × 90 / 50⌉ = 2), then idle CPU scales back in to min after the 15-datapoint alarm.
func TestTargetTrackingScalesOutAndIn(t *testing.T) {
	r := newSim(t, asg.Config{Min: 1, Max: 3})
	if st := r.p.Status(); st.InService != 1 || st.Desired != 1 {
		t.Fatalf("after start: %+v", st)
	}
	r.run(8*time.Minute, 90)
	st := r.p.Status()
	if st.Desired < 2 || st.InService < 2 {
		t.Fatalf("no scale-out under 90 %% CPU: %+v\n%v", st, r.p.Events())
	}
	if st.Desired > 3 {
		t.Fatalf("desired %d above max", st.Desired)
	}
	r.run(25*time.Minute, 5)
	st = r.p.Status()
	if st.Desired != 1 || st.InService != 1 {
		t.Fatalf("no scale-in when idle: %+v", st)
	}
	evs := r.p.Events()
	if count(evs, "scale") < 3 || count(evs, "alarm") == 0 || count(evs, "drain") == 0 {
		t.Fatalf("timeline lacks scale/alarm/drain events: %v", evs)
	}
	recs := r.p.Usage().Instances
	ended := 0
	for _, rec := range recs {
		if !rec.EndedAt.IsZero() {
			ended++
		}
	}
	if len(recs) < 2 || ended != len(recs)-1 {
		t.Fatalf("records: %d, ended %d", len(recs), ended)
	}
}

// TestKilledInstanceIsReplaced: the group restores desired capacity after a crash.
func TestKilledInstanceIsReplaced(t *testing.T) {
	r := newSim(t, asg.Config{Min: 2, Max: 2, DisableScaling: true})
	if err := r.p.Fleet().Kill("asg-1"); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(0)
	if n := len(r.p.Fleet().Instances()); n != 3 {
		t.Fatalf("no replacement: %s", fleettest.States(r.p.Fleet()))
	}
	r.run(30*time.Second, 0)
	st := r.p.Status()
	if st.InService != 2 || st.Desired != 2 {
		t.Fatalf("status %+v", st)
	}
	evs := r.p.Events()
	if count(evs, "replace") != 1 || count(evs, "target_removed") != 1 {
		t.Fatalf("events %v", evs)
	}
	u := r.p.Usage()
	if u.FrontDoor != "alb" || len(u.Instances) != 3 {
		t.Fatalf("usage %+v", u)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	_, err := asg.New(asg.Config{Min: 3, Max: 2}, asg.Env{World: fleet.World{Driver: fleettest.NewDriver()}})
	if err == nil || !strings.Contains(err.Error(), "asg.max") {
		t.Fatalf("err %v", err)
	}
	_, err = asg.New(asg.Config{}, asg.Env{})
	if err == nil || !strings.Contains(err.Error(), "driver") {
		t.Fatalf("err %v", err)
	}
}

// TestRequestCountPerTarget: 5 requests/s through the balancer is 300 per target-minute
// on one target; tracking 100 scales out proportionally to ⌈1 × 300 / 100⌉ = 3.
func TestRequestCountPerTarget(t *testing.T) {
	r := newSim(t, asg.Config{Min: 1, Max: 4, Policies: []asg.PolicyConfig{
		{Type: asg.PolicyTargetTracking, Metric: asg.MetricRequestCountPerTarget, Target: 100}}})
	b := r.p.Balancer()
	for i := 0; i < 8*60; i++ {
		for j := 0; j < 5; j++ {
			l, ok := b.Acquire()
			if !ok {
				t.Fatal("no target")
			}
			l.Complete(lb.Outcome{Status: 200})
		}
		r.clock.Advance(time.Second)
	}
	if st := r.p.Status(); st.Desired != 3 || st.InService != 3 {
		t.Fatalf("status %+v", st)
	}
	if u := r.p.Usage(); u.Requests != 8*60*5 {
		t.Fatalf("requests %d", u.Requests)
	}
}
