package fleet_test

import (
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
)

// TestEventDrivenLifecycle runs the lifecycle as the simulator does: every step is a
// clock event, so each Advance shows its consequences at once, with no polling.
func TestEventDrivenLifecycle(t *testing.T) {
	clock := clocktest.New(t0)
	drv := fleettest.NewEventDriver(clock, 3*time.Second)
	targets := &fleettest.Targets{}
	f, err := fleet.New(fleet.Options{Clock: clock, Driver: drv, Targets: targets, VCPU: 2,
		PendingDelay: 20 * time.Second, BootDelay: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f.SetDesired(1)
	steps := []struct {
		advance time.Duration
		want    string
	}{
		{0, "i-1:pending"},
		{20 * time.Second, "i-1:booting"},
		{5 * time.Second, "i-1:starting"},
		{3*time.Second - time.Nanosecond, "i-1:starting"},
		{time.Nanosecond, "i-1:starting"}, // ready and registered, not yet healthy
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		if got := fleettest.States(f); got != s.want {
			t.Fatalf("step %d: %s, want %s", i, got, s.want)
		}
	}
	if got := targets.Registered(); len(got) != 1 {
		t.Fatalf("registered %v", got)
	}
	f.SetTargetHealth("i-1", true)
	if got := fleettest.States(f); got != "i-1:in_service" {
		t.Fatalf("after health: %s", got)
	}
	drv.Machine("i-1").Crash()
	clock.Advance(0)
	if got := fleettest.States(f); got != "i-1:terminated i-2:pending" {
		t.Fatalf("after crash: %s", got)
	}
	clock.Advance(28 * time.Second)
	if got := len(targets.Registered()); got != 2 {
		t.Fatalf("replacement not registered: %d", got)
	}
}
