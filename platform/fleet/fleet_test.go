package fleet_test

import (
	"context"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type rig struct {
	clock   *clocktest.Clock
	driver  *fleettest.Driver
	targets *fleettest.Targets
	fleet   *fleet.Fleet
	cpu     []float64 // OnCPU averages
	cpuN    []int
}

func newRig(t *testing.T, withLB bool, mod func(*fleet.Options)) *rig {
	t.Helper()
	r := &rig{clock: clocktest.New(t0), driver: fleettest.NewDriver()}
	o := fleet.Options{
		Clock: r.clock, Driver: r.driver, Prefix: "i", InstanceType: "t3.small", VCPU: 2, MemoryMiB: 2048,
		PendingDelay: 20 * time.Second, BootDelay: 5 * time.Second, SampleInterval: time.Second,
		OnCPU: func(_ time.Time, avg float64, n int) { r.cpu = append(r.cpu, avg); r.cpuN = append(r.cpuN, n) },
	}
	if withLB {
		r.targets = &fleettest.Targets{}
		o.Targets = r.targets
	}
	if mod != nil {
		mod(&o)
	}
	f, err := fleet.New(o)
	if err != nil {
		t.Fatal(err)
	}
	r.fleet = f
	t.Cleanup(func() { _ = f.Close(context.Background()) })
	return r
}

func (r *rig) state(t *testing.T, id string) fleet.State {
	t.Helper()
	for _, in := range r.fleet.Instances() {
		if in.ID == id {
			return in.State
		}
	}
	t.Fatalf("no instance %s in %s", id, fleettest.States(r.fleet))
	return 0
}

func (r *rig) waitState(t *testing.T, id string, want fleet.State) {
	t.Helper()
	fleettest.Eventually(t, id+" "+want.String(), func() bool { return r.state(t, id) == want })
}

func kinds(evs []platform.Event) string {
	var ks []string
	for _, e := range evs {
		ks = append(ks, e.Kind)
	}
	return strings.Join(ks, " ")
}

// TestLifecycleHonoursDelays walks one instance through every state with a table of
// clock steps: nothing happens before its modelled delay, everything right at it.
func TestLifecycleHonoursDelays(t *testing.T) {
	for _, lb := range []bool{false, true} {
		t.Run(map[bool]string{false: "direct", true: "behind_lb"}[lb], func(t *testing.T) {
			r := newRig(t, lb, nil)
			r.fleet.SetDesired(1)
			steps := []struct {
				advance time.Duration
				want    fleet.State
			}{
				{0, fleet.Pending},
				{20*time.Second - time.Nanosecond, fleet.Pending},
				{time.Nanosecond, fleet.Booting},
				{5*time.Second - time.Nanosecond, fleet.Booting},
			}
			for i, s := range steps {
				r.clock.Advance(s.advance)
				if got := r.state(t, "i-1"); got != s.want {
					t.Fatalf("step %d (+%v): state %s, want %s", i, s.advance, got, s.want)
				}
			}
			r.clock.Advance(time.Nanosecond)
			if lb {
				fleettest.Eventually(t, "registration", func() bool { return len(r.targets.Registered()) == 1 })
				if got := r.state(t, "i-1"); got != fleet.Starting {
					t.Fatalf("registered but unchecked: state %s, want starting", got)
				}
				r.fleet.SetTargetHealth("i-1", true)
			}
			r.waitState(t, "i-1", fleet.InService)
			st := r.fleet.Status()
			if st.Desired != 1 || st.InService != 1 || st.Pending != 0 {
				t.Fatalf("status %+v", st)
			}
			want := "launch running boot_done app_ready in_service"
			if lb {
				want = "launch running boot_done app_ready registered healthy in_service"
			}
			if got := kinds(r.fleet.Events()); got != want {
				t.Fatalf("events %q, want %q", got, want)
			}
		})
	}
}

// TestCrashedInstanceIsReplaced: an app that exits is replaced at once (the instance is
// gone, so no grace period), its billing ends, and its replacement walks the lifecycle.
func TestCrashedInstanceIsReplaced(t *testing.T) {
	r := newRig(t, true, func(o *fleet.Options) { o.HealthCheckGrace = time.Hour; o.ELBHealth = true })
	r.fleet.SetDesired(1)
	r.clock.Advance(25 * time.Second)
	fleettest.Eventually(t, "registration", func() bool { return len(r.targets.Registered()) == 1 })
	r.fleet.SetTargetHealth("i-1", true)
	r.clock.Advance(10 * time.Second)
	r.driver.Machine("i-1").Crash()
	fleettest.Eventually(t, "replacement launch", func() bool { return len(r.fleet.Instances()) == 2 })
	if got := r.state(t, "i-1"); got != fleet.Terminated {
		t.Fatalf("crashed instance: %s", got)
	}
	if got := r.state(t, "i-2"); got != fleet.Pending {
		t.Fatalf("replacement: %s", got)
	}
	if got := r.targets.Deregistered(); len(got) != 1 || got[0] != "i-1" {
		t.Fatalf("deregistered %v, want [i-1]", got)
	}
	recs := r.fleet.Records()
	if len(recs) != 2 || !recs[0].EndedAt.Equal(t0.Add(35*time.Second)) || !recs[1].EndedAt.IsZero() {
		t.Fatalf("records %+v", recs)
	}
	evs := kinds(r.fleet.Events())
	if !strings.Contains(evs, "exit replace drain terminate launch") {
		t.Fatalf("events %q", evs)
	}
	r.clock.Advance(25 * time.Second)
	fleettest.Eventually(t, "second registration", func() bool { return len(r.targets.Registered()) == 2 })
	r.fleet.SetTargetHealth("i-2", true)
	r.waitState(t, "i-2", fleet.InService)
}

// TestUnhealthyReplacedAfterGrace: ELB health failures are ignored until the grace period
// from launch has passed, then the instance is drained and replaced.
func TestUnhealthyReplacedAfterGrace(t *testing.T) {
	r := newRig(t, true, func(o *fleet.Options) { o.HealthCheckGrace = 60 * time.Second; o.ELBHealth = true })
	r.fleet.SetDesired(1)
	r.clock.Advance(25 * time.Second)
	fleettest.Eventually(t, "registration", func() bool { return len(r.targets.Registered()) == 1 })
	r.fleet.SetTargetHealth("i-1", false)
	r.clock.Advance(35*time.Second - time.Nanosecond)
	if n := len(r.fleet.Instances()); n != 1 {
		t.Fatalf("replaced inside the grace period: %s", fleettest.States(r.fleet))
	}
	r.clock.Advance(time.Nanosecond)
	if got := fleettest.States(r.fleet); got != "i-1:draining i-2:pending" {
		t.Fatalf("after grace: %s", got)
	}
	r.targets.FinishDrain("i-1")
	if got := r.state(t, "i-1"); got != fleet.Terminated {
		t.Fatalf("after drain: %s", got)
	}
	fleettest.Eventually(t, "stop", func() bool { return r.driver.Machine("i-1").Stops() == 1 })
}

// TestUnhealthyWithEC2HealthCheckIsKept: health check type EC2 ignores the load balancer.
func TestUnhealthyWithEC2HealthCheckIsKept(t *testing.T) {
	r := newRig(t, true, nil)
	r.fleet.SetDesired(1)
	r.clock.Advance(25 * time.Second)
	fleettest.Eventually(t, "registration", func() bool { return len(r.targets.Registered()) == 1 })
	r.fleet.SetTargetHealth("i-1", false)
	r.clock.Advance(time.Hour)
	if got := fleettest.States(r.fleet); got != "i-1:starting" {
		t.Fatalf("got %s", got)
	}
}

// TestScaleInDrainsNewestInService and prefers instances not yet in service.
func TestScaleIn(t *testing.T) {
	r := newRig(t, true, nil)
	r.fleet.SetDesired(2)
	r.clock.Advance(25 * time.Second)
	fleettest.Eventually(t, "registrations", func() bool { return len(r.targets.Registered()) == 2 })
	r.fleet.SetTargetHealth("i-1", true)
	r.fleet.SetTargetHealth("i-2", true)
	r.fleet.SetDesired(3)
	r.fleet.SetDesired(1) // i-3 is pending: it goes first, then the newest in service
	if got := fleettest.States(r.fleet); got != "i-1:in_service i-2:draining i-3:terminated" {
		t.Fatalf("got %s", got)
	}
	st := r.fleet.Status()
	if st.Desired != 1 || st.InService != 1 || st.Draining != 1 {
		t.Fatalf("status %+v", st)
	}
	r.targets.FinishDrain("i-2")
	r.waitState(t, "i-2", fleet.Terminated)
	if r.driver.Machine("i-3") != nil {
		t.Fatal("a pending instance that was terminated started its app")
	}
}

// TestCPUAverageSkipsWarmingAndCountsCredits: utilisation is of the type's full vCPUs,
// warming instances stay out of the group average, and a burstable instance out of
// credits is throttled to its baseline.
func TestCPUAverageSkipsWarmingAndCountsCredits(t *testing.T) {
	cr := &fakeCredits{budget: 3, baseline: 0.4, full: 2}
	r := newRig(t, false, func(o *fleet.Options) {
		o.Warmup = 3 * time.Second
		o.NewCredits = func() fleet.Credits { return cr }
	})
	r.fleet.SetDesired(1)
	r.clock.Advance(25 * time.Second)
	r.waitState(t, "i-1", fleet.InService)
	m := r.driver.Machine("i-1")
	for i := 0; i < 5; i++ {
		m.Burn(r.clock.Now(), 1) // one vCPU-second per second on a 2-vCPU type: 50 %
		r.clock.Advance(time.Second)
	}
	// In service at 25 s; samples at 26..30 s: the first only sets the baseline, and the
	// warmup keeps the one at 27 s out of the average.
	if len(r.cpu) != 3 || r.cpu[0] != 50 || r.cpuN[0] != 1 {
		t.Fatalf("OnCPU averages %v (n %v), want three of 50 %%", r.cpu, r.cpuN)
	}
	if st := r.fleet.Status(); st.CPU != 50 {
		t.Fatalf("status CPU %v", st.CPU)
	}
	fleettest.Eventually(t, "throttle", func() bool { return m.Allowance() == 0.4 })
	if !strings.Contains(kinds(r.fleet.Events()), "credits_exhausted") {
		t.Fatalf("events %q", kinds(r.fleet.Events()))
	}
}

type fakeCredits struct{ budget, baseline, full, used float64 }

func (c *fakeCredits) Account(dt time.Duration, used float64) float64 {
	c.used += used
	if c.used > c.budget {
		return c.baseline
	}
	return c.full
}
func (c *fakeCredits) SurplusVCPUHours() float64 { return 0 }

// TestRecordsInPlatformTime: with a timescale, billing records stretch clock time back.
func TestRecordsInPlatformTime(t *testing.T) {
	r := newRig(t, false, func(o *fleet.Options) { o.Timescale = 60 })
	r.clock.Advance(time.Second)
	r.fleet.SetDesired(1)
	r.clock.Advance(30 * time.Second)
	r.fleet.SetDesired(0)
	rec := r.fleet.Records()[0]
	if !rec.LaunchedAt.Equal(t0.Add(time.Minute)) || !rec.EndedAt.Equal(t0.Add(31*time.Minute)) {
		t.Fatalf("record %+v", rec)
	}
	if rec.Type != "t3.small" || rec.Purchase != "on-demand" {
		t.Fatalf("record %+v", rec)
	}
}

// TestFailedStartIsReplaced and Kill crashes an instance that is then replaced.
func TestFailedStartAndKill(t *testing.T) {
	r := newRig(t, false, nil)
	r.driver.FailNextStart()
	r.fleet.SetDesired(1)
	r.clock.Advance(25 * time.Second)
	fleettest.Eventually(t, "replacement", func() bool { return len(r.fleet.Instances()) == 2 })
	r.clock.Advance(25 * time.Second)
	r.waitState(t, "i-2", fleet.InService)
	if err := r.fleet.Kill("i-2"); err != nil {
		t.Fatal(err)
	}
	fleettest.Eventually(t, "replacement after kill", func() bool { return len(r.fleet.Instances()) == 3 })
	if err := r.fleet.Kill("nope"); err == nil {
		t.Fatal("Kill of an unknown instance succeeded")
	}
}

// TestCloseStopsEverything: Close terminates every instance and ends every record.
func TestCloseStopsEverything(t *testing.T) {
	r := newRig(t, false, nil)
	r.fleet.SetDesired(3)
	r.clock.Advance(25 * time.Second)
	fleettest.Eventually(t, "in service", func() bool { return r.fleet.Status().InService == 3 })
	if err := r.fleet.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"i-1", "i-2", "i-3"} {
		if r.driver.Machine(id).Stops() != 1 {
			t.Errorf("%s stopped %d times", id, r.driver.Machine(id).Stops())
		}
	}
	for _, rec := range r.fleet.Records() {
		if rec.EndedAt.IsZero() {
			t.Errorf("record %s still open", rec.ID)
		}
	}
	r.fleet.SetDesired(5)
	if n := len(r.fleet.Instances()); n != 3 {
		t.Fatalf("closed fleet launched: %d instances", n)
	}
}

func TestOptionsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    fleet.Options
		want string
	}{
		{"no clock", fleet.Options{Driver: fleettest.NewDriver(), VCPU: 1}, "Clock"},
		{"no driver", fleet.Options{Clock: clocktest.New(t0), VCPU: 1}, "Driver"},
		{"no vcpu", fleet.Options{Clock: clocktest.New(t0), Driver: fleettest.NewDriver()}, "VCPU"},
	} {
		if _, err := fleet.New(tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want mention of %s", tc.name, err, tc.want)
		}
	}
}

// TestSpotInterruption: a notice, then after it the instance is reclaimed and replaced.
func TestSpotInterruption(t *testing.T) {
	r := newRig(t, false, nil)
	r.fleet.SetDesired(1)
	r.clock.Advance(25 * time.Second)
	r.waitState(t, "i-1", fleet.InService)
	if err := r.fleet.Interrupt("i-1", 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(2*time.Minute - time.Nanosecond)
	if got := fleettest.States(r.fleet); got != "i-1:in_service" {
		t.Fatalf("reclaimed before the notice ended: %s", got)
	}
	r.clock.Advance(time.Nanosecond)
	if got := fleettest.States(r.fleet); got != "i-1:terminated i-2:pending" {
		t.Fatalf("after the notice: %s", got)
	}
	fleettest.CheckEvents(t, r.fleet.Events(), "spot_interruption_notice", "spot_interrupted", "replace", "terminate", "launch")
}

// TestKillRandomly: kills arrive at the configured rate (in platform time) and the fleet
// keeps its desired capacity.
func TestKillRandomly(t *testing.T) {
	r := newRig(t, false, func(o *fleet.Options) { o.Timescale = 60 })
	r.fleet.SetDesired(2)
	r.clock.Advance(25 * time.Second)
	fleettest.Eventually(t, "in service", func() bool { return r.fleet.Status().InService == 2 })
	stop := r.fleet.KillRandomly(60, rand.New(rand.NewSource(1))) // one a minute = one a clock-second
	for i := 0; i < 30; i++ {
		r.clock.Advance(time.Second)
		fleettest.Eventually(t, "settled", func() bool {
			for _, in := range r.fleet.Instances() {
				if in.State == fleet.Starting {
					return false
				}
			}
			return true
		})
	}
	stop()
	kills := 0
	for _, e := range r.fleet.Events() {
		if e.Kind == "killed" {
			kills++
		}
	}
	if kills < 10 || kills > 60 {
		t.Fatalf("%d kills in 30 clock-seconds at 60/platform-hour × 60", kills)
	}
	r.clock.Advance(time.Minute)
	fleettest.Eventually(t, "desired capacity restored", func() bool {
		st := r.fleet.Status()
		return st.InService == 2 && st.Desired == 2
	})
}
