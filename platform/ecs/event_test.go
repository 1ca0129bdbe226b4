package ecs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fixedCapacity places every task at once, Fargate-style: provisioning, then the pull.
type fixedCapacity struct{ provision, pull time.Duration }

func (c fixedCapacity) Place(string) (ecs.Placement, bool) {
	return ecs.Placement{Provision: c.provision, Pull: c.pull}, true
}
func (fixedCapacity) Release(string)                     {}
func (fixedCapacity) SetWaiting(int)                     {}
func (fixedCapacity) Records() []platform.InstanceRecord { return nil }
func (fixedCapacity) Close()                             {}

// states lists the tasks not yet STOPPED with their states.
func states(s *ecs.Service) string {
	var out []string
	for _, ti := range s.Tasks() {
		if ti.State == ecs.Stopped {
			continue
		}
		out = append(out, ti.ID+":"+ti.StateName)
	}
	return strings.Join(out, " ")
}

// TestEventDrivenTaskLifecycle runs the task lifecycle as the simulator does: with an
// event driver every step is a clock event, so each Advance shows its consequences at
// once, with no polling and no goroutines.
func TestEventDrivenTaskLifecycle(t *testing.T) {
	clock := clocktest.New(t0)
	drv := fleettest.NewEventDriver(clock, 3*time.Second)
	targets := &fleettest.Targets{}
	svc, err := ecs.NewService(ecs.ServiceOptions{Clock: clock, Driver: drv, Capacity: fixedCapacity{10 * time.Second, 5 * time.Second},
		Log: ecs.NewLog(clock, nil), Targets: targets, VCPU: 1, MemoryMiB: 2048})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close(context.Background()) })
	svc.SetDesired(1)
	steps := []struct {
		advance time.Duration
		want    string
	}{
		{0, "task-1:PENDING"},
		{10 * time.Second, "task-1:PENDING"}, // pull under way
		{5 * time.Second, "task-1:ACTIVATING"},
		{3*time.Second - time.Nanosecond, "task-1:ACTIVATING"},
		{time.Nanosecond, "task-1:ACTIVATING"}, // ready and registered, not yet healthy
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		if got := states(svc); got != s.want {
			t.Fatalf("step %d: %s, want %s", i, got, s.want)
		}
	}
	if got := targets.Registered(); len(got) != 1 || got[0] != "task-1" {
		t.Fatalf("registered %v", got)
	}
	targetsHealthy(svc, "task-1")
	if got := states(svc); got != "task-1:RUNNING" {
		t.Fatalf("after health: %s", got)
	}
	drv.Machine("task-1").Crash()
	clock.Advance(0)
	// An app that is gone has nothing in flight: the task stops without draining.
	if got := states(svc); got != "task-2:PENDING" {
		t.Fatalf("after crash: %s", got)
	}
	clock.Advance(18 * time.Second)
	if got := states(svc); got != "task-2:ACTIVATING" {
		t.Fatalf("replacement: %s", got)
	}
	if got := len(targets.Registered()); got != 2 {
		t.Fatalf("replacement not registered: %d", got)
	}
	// Scaling in stops the task and its app on the clock's goroutine, reported as an exit
	// that the service ignores because it asked for it.
	svc.SetDesired(0)
	if got := states(svc); got != "task-2:DEACTIVATING" {
		t.Fatalf("scale-in: %q, want draining", got)
	}
	targets.FinishDrain("task-2")
	clock.Advance(0)
	if got := states(svc); got != "" {
		t.Fatalf("after scale-in: %q", got)
	}
	if n := drv.Machine("task-2").Stops(); n != 1 {
		t.Fatalf("task-2 app stopped %d times, want 1", n)
	}
}

func targetsHealthy(s *ecs.Service, id string) { s.SetTargetHealth(id, true) }
