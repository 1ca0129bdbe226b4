// Package ecstest holds the live test shared by the three container platform models
// (ecsec2, fargate, ecsmi): a real service of app processes behind the real front door
// scales out under CPU load, the balancer routes to the new tasks, and Stop leaves no
// process, cgroup or port behind.
package ecstest

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/fleet/live/livetest"
	"github.com/deploybench/deploybench/platform/lb"
)

// LiveService returns the service settings of a live scale-out test: one task of 1 vCPU
// (a quarter of a host core with livetest.World(t, 0.25)), up to 3, target tracking on
// 50 % CPU with 10 s high-resolution periods, at timescale 60, a 12 MB image. The ALB
// health-check timeout is raised: compressed to 83 ms it would fail on a busy machine.
func LiveService() ecs.ServiceConfig {
	return ecs.ServiceConfig{
		Min: 1, Max: 3, Monitoring: ecs.MonitoringHighResolution, Timescale: 60, ImageSizeMB: 12,
		Policies:     []ecs.PolicyConfig{{Metric: ecs.MetricCPU, Target: 50, Period: 10 * time.Second}},
		LoadBalancer: lb.Config{HealthCheck: lb.HealthCheck{Path: "/healthz", Timeout: 20 * time.Second}},
	}
}

// ScaleOut starts p, drives 4 closed-loop clients of 20 ms CPU-bound requests through
// its front door until at least two tasks run and both served requests, stops p and
// checks that nothing it started is left.
func ScaleOut(t *testing.T, p *ecs.Platform, rb *livetest.RecordingBackend) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	stopped := false
	defer func() {
		if !stopped {
			_ = p.Stop(context.Background())
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			for _, e := range p.Events() {
				t.Logf("%s %s %s %s", e.At.Format("15:04:05.000"), e.Kind, e.Instance, e.Detail)
			}
		}
	})
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	loadCtx, stopLoad := context.WithCancel(ctx)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for loadCtx.Err() == nil {
				req, _ := http.NewRequestWithContext(loadCtx, "GET", p.URL()+"/work?ms=20", nil)
				if resp, err := client.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}()
	}
	served := func() int {
		n := 0
		for _, ts := range p.Balancer().Stats().Targets {
			if ts.Requests > 0 {
				n++
			}
		}
		return n
	}
	for p.Status().InService < 2 || served() < 2 {
		select {
		case <-ctx.Done():
			stopLoad()
			wg.Wait()
			t.Fatalf("no scale-out within the deadline: %+v", p.Status())
		case <-time.After(50 * time.Millisecond): // polling a real run
		}
	}
	stopLoad()
	wg.Wait()
	if st := p.Status(); st.Desired < 2 || st.Desired > 3 {
		t.Fatalf("status %+v", st)
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	stopped = true
	for _, e := range p.Events() { // start-up figures, for the record (platform time at the run's timescale)
		if e.Kind == "task_app_ready" || e.Kind == "task_running" {
			t.Logf("%s %s %s", e.Instance, e.Kind, e.Detail)
		}
	}
	fleettest.CheckEvents(t, p.Events(), "task_running", "alarm", "scale", "task_provisioning", "task_pull", "task_running", "task_stopped")
	u := p.Usage()
	if u.Requests == 0 || u.FrontDoor != "alb" || !(u.LBLCUHours > 0) {
		t.Fatalf("usage %+v", u)
	}
	for _, rec := range u.Instances {
		if rec.EndedAt.IsZero() {
			t.Errorf("instance %s still billed after Stop", rec.ID)
		}
	}
	for _, rec := range u.Tasks {
		if rec.EndedAt.IsZero() {
			t.Errorf("task %s still billed after Stop", rec.ID)
		}
	}
	if resp, err := http.Get(p.URL() + "/healthz"); err == nil {
		resp.Body.Close()
		t.Errorf("front door still answers after Stop")
	}
	livetest.CheckGone(t, rb)
}
