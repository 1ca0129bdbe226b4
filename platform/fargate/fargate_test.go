package fargate

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/lb"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// startSim builds a Fargate service on a fake clock and fake machines, without a front
// door (targets are healthy once registered), and starts it.
func startSim(t *testing.T, cfg Config) (*ecs.Platform, *clocktest.Clock, *fleettest.Driver) {
	t.Helper()
	clock, drv := clocktest.New(t0), fleettest.NewDriver()
	p, err := New(cfg, ecs.Env{World: fleet.World{Clock: clock, Driver: drv}, NoFrontDoor: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(context.Background()) })
	done := make(chan error, 1)
	go func() { done <- p.Start(context.Background()) }()
	fleettest.Eventually(t, "tasks created", func() bool { return len(p.Service().Tasks()) == cfg.WithDefaults().Desired })
	settle(t, clock, p, time.Minute)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return p, clock, drv
}

// settle advances the clock second by second for d, letting app starts land.
func settle(t *testing.T, clock *clocktest.Clock, p *ecs.Platform, d time.Duration) {
	t.Helper()
	for i := 0; i < int(d/time.Second); i++ {
		clock.Advance(time.Second)
		fleettest.Eventually(t, "app starts", func() bool {
			for _, ti := range p.Service().Tasks() {
				if ti.State == ecs.Activating && ti.Addr == "" {
					return false
				}
			}
			return true
		})
	}
}

func countKind(evs []platform.Event, kind, detail string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind && strings.Contains(e.Detail, detail) {
			n++
		}
	}
	return n
}

// TestEveryTaskPulls: Fargate has no host image cache, and each task is billed from its
// pull start (after provisioning), not from its creation.
func TestEveryTaskPulls(t *testing.T) {
	cfg := Config{ProvisioningDelay: 20 * time.Second}
	cfg.ImageSizeMB, cfg.PullThroughputMBps, cfg.DisableScaling = 120, 12, true
	cfg.Min, cfg.Max = 1, 3
	p, clock, _ := startSim(t, cfg)
	p.Service().SetDesired(3)
	settle(t, clock, p, 29*time.Second)
	if st := p.Status(); st.InService != 1 || st.Pending != 2 {
		t.Fatalf("at 20 s + 9 s: %+v", st)
	}
	settle(t, clock, p, 2*time.Second)
	if st := p.Status(); st.InService != 3 {
		t.Fatalf("after provisioning + 10 s pull: %+v", st)
	}
	evs := p.Events()
	if n := countKind(evs, "task_pull", "image pull 10s"); n != 3 {
		t.Fatalf("pulls %d, want one per task", n)
	}
	u := p.Usage()
	if len(u.Tasks) != 3 || len(u.Instances) != 0 || u.FrontDoor != "alb" {
		t.Fatalf("usage %+v", u)
	}
	first := p.Service().Tasks()[0]
	if got := u.Tasks[0].StartedAt.Sub(first.CreatedAt); got != 20*time.Second {
		t.Fatalf("billing starts %v after creation, want the 20 s provisioning", got)
	}
	if u.Tasks[0].VCPU != 1 || u.Tasks[0].MemoryGB != 2 || u.Tasks[0].Arch != "x86_64" {
		t.Fatalf("task record %+v", u.Tasks[0])
	}
}

// TestSpotInterruption: the task gets the notice, is deregistered and replaced, and its
// record ends; the record is marked Spot.
func TestSpotInterruption(t *testing.T) {
	cfg := Config{Spot: true}
	cfg.ImageSizeMB, cfg.DisableScaling = 12, true
	p, clock, drv := startSim(t, cfg)
	if err := p.Service().Interrupt("fargate-1", 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	fleettest.Eventually(t, "stop", func() bool { return drv.Machine("fargate-1").Stops() > 0 })
	settle(t, clock, p, 30*time.Second)
	if st := p.Status(); st.InService != 1 || st.Desired != 1 {
		t.Fatalf("replacement: %+v", st)
	}
	tasks := p.Service().Tasks()
	if len(tasks) != 2 || tasks[0].StoppedReason != "Your Spot Task was interrupted." {
		t.Fatalf("tasks %+v", tasks)
	}
	u := p.Usage()
	if !u.Tasks[0].Spot || u.Tasks[0].EndedAt.IsZero() {
		t.Fatalf("record %+v", u.Tasks[0])
	}
	fleettest.CheckEvents(t, p.Events(), "spot_interruption_notice", "task_stopped", "task_running")
}

// TestRandomSpotInterruptions: at 60 interruptions per task-hour, an hour of platform
// time interrupts tasks and the service keeps its count.
func TestRandomSpotInterruptions(t *testing.T) {
	cfg := Config{Spot: true, SpotInterruptionsPerHour: 60, Seed: 1}
	cfg.ImageSizeMB, cfg.DisableScaling = 12, true
	p, clock, _ := startSim(t, cfg)
	settle(t, clock, p, 20*time.Minute)
	if n := countKind(p.Events(), "spot_interruption_notice", ""); n < 3 {
		t.Fatalf("%d interruptions in 20 minutes at 1 per minute", n)
	}
	if st := p.Status(); st.Desired != 1 || st.InService+st.Pending != 1 {
		t.Fatalf("status %+v", st)
	}
}

func TestNewRejects(t *testing.T) {
	c := Config{}
	c.CPU, c.MemoryGB = 0.25, 4
	if _, err := New(c, ecs.Env{World: fleet.World{Driver: fleettest.NewDriver()}}); err == nil || !strings.Contains(err.Error(), "valid: 0.5, 1, 2 GB") {
		t.Fatalf("err %v", err)
	}
	if _, err := New(Config{}, ecs.Env{}); err == nil || !strings.Contains(err.Error(), "driver") {
		t.Fatalf("err %v", err)
	}
}

// TestUnhealthyTaskIsReplaced: a RUNNING task that fails its ELB health checks is stopped
// with ECS's reason and replaced; a killed task is replaced too.
func TestUnhealthyTaskIsReplaced(t *testing.T) {
	var mu sync.Mutex
	bad := map[string]bool{}
	prober := lb.ProberFunc(func(_ context.Context, tg lb.Target) error {
		mu.Lock()
		defer mu.Unlock()
		if bad[tg.ID] {
			return errors.New("connection refused")
		}
		return nil
	})
	cfg := Config{}
	cfg.ImageSizeMB, cfg.DisableScaling = 12, true
	clock, drv := clocktest.New(t0), fleettest.NewDriver()
	p, err := New(cfg, ecs.Env{World: fleet.World{Clock: clock, Driver: drv}, NoFrontDoor: true, Prober: prober})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Start(context.Background()) }()
	fleettest.Eventually(t, "task", func() bool { return len(p.Service().Tasks()) == 1 })
	settle(t, clock, p, 25*time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	bad["fargate-1"] = true
	mu.Unlock()
	settle(t, clock, p, 2*time.Minute)
	tasks := p.Service().Tasks()
	if len(tasks) != 2 || tasks[0].StoppedReason != "Task failed ELB health checks" || tasks[1].State != ecs.Running {
		t.Fatalf("tasks %+v", tasks)
	}
	if err := p.Service().Kill("fargate-2"); err != nil {
		t.Fatal(err)
	}
	fleettest.Eventually(t, "replacement", func() bool { return len(p.Service().Tasks()) == 3 })
	settle(t, clock, p, time.Minute)
	if st := p.Status(); st.InService != 1 {
		t.Fatalf("after the kill: %+v", st)
	}
	fleettest.CheckEvents(t, p.Events(), "target_unhealthy", "task_draining", "task_stopped", "killed", "task_exit", "task_stopped", "task_running")
}
