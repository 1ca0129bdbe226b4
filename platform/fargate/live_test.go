package fargate

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecs/ecstest"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/fleet/live/livetest"
	"github.com/deploybench/deploybench/platform/lb"
)

func TestMain(m *testing.M) {
	switch {
	case os.Getenv(fleettest.AppEnv) == "1":
		fleettest.ServeApp()
		return
	case os.Getenv(ecstest.AppEnv) == "1":
		ecstest.ServeMemoryApp()
		return
	}
	os.Exit(m.Run())
}

// TestLiveScaleOut: a real Fargate service of one task scales out under CPU load; every
// task is billed from its pull start and nothing is left after Stop.
func TestLiveScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := livetest.World(t, 0.25)
	p, err := New(Config{ServiceConfig: ecstest.LiveService()}, ecs.Env{World: fleet.World{Driver: drv}})
	if err != nil {
		t.Fatal(err)
	}
	ecstest.ScaleOut(t, p, rb)
	if u := p.Usage(); len(u.Tasks) < 2 || len(u.Instances) != 0 {
		t.Fatalf("usage %+v", u)
	}
}

// TestLiveOutOfMemory: a request that makes a 0.5 GB task allocate 700 MiB gets the task
// killed at its memory limit; the task stops with ECS's OutOfMemory reason and the
// service replaces it.
func TestLiveOutOfMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb, limited := ecstest.MemoryWorld(t, 0.25)
	if !limited {
		t.Skip("no cgroups here: memory limits are not enforced")
	}
	cfg := Config{}
	cfg.CPU, cfg.MemoryGB, cfg.DisableScaling, cfg.Timescale, cfg.ImageSizeMB = 0.25, 0.5, true, 60, 12
	// Slow health checks: a task thrashing at its memory limit must be killed by the
	// kernel, not stopped by failing checks first.
	cfg.LoadBalancer = lb.Config{HealthCheck: lb.HealthCheck{Path: "/healthz", Interval: 300 * time.Second, Timeout: 240 * time.Second}}
	p, err := New(cfg, ecs.Env{World: fleet.World{Driver: drv}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	defer p.Stop(context.Background())
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(p.URL() + "/alloc?mb=700")
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatal("700 MiB allocated in a 512 MiB task")
		}
	}
	for {
		tasks := p.Service().Tasks()
		if len(tasks) == 2 && tasks[1].State == ecs.Running {
			if !strings.Contains(tasks[0].StoppedReason, "OutOfMemory") {
				t.Fatalf("stopped reason %q\n%v", tasks[0].StoppedReason, p.Events())
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no replacement: %+v\n%v", tasks, p.Events())
		case <-time.After(20 * time.Millisecond): // polling a real run
		}
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	fleettest.CheckEvents(t, p.Events(), "task_running", "task_exit", "task_provisioning", "task_stopped", "task_running")
	livetest.CheckGone(t, rb)
}
