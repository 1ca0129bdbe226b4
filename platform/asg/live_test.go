package asg_test

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/asg"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/fleet/live"
	"github.com/deploybench/deploybench/platform/fleet/live/livetest"
	"github.com/deploybench/deploybench/platform/lb"
)

func TestMain(m *testing.M) { fleettest.Main(m) }

// TestLiveScaleOut runs a real group of app processes behind the real proxy at timescale
// 60 with high-resolution target tracking on 50 % CPU. A CPU-bound load saturates the
// first instance (2 vCPUs = half a host core), the group scales out, the balancer routes
// to the new instances too, and Stop leaves no process, cgroup or port behind.
func TestLiveScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := livetest.World(t, 0.25)
	cfg := asg.Config{
		Min: 1, Max: 3, Monitoring: asg.MonitoringHighResolution, Timescale: 60,
		Policies: []asg.PolicyConfig{{Type: asg.PolicyTargetTracking, Metric: asg.MetricCPU, Target: 50, Period: 10 * time.Second}},
		// Health-check timeouts compressed to 83 ms would fail on a busy test machine.
		LoadBalancer: lb.Config{HealthCheck: lb.HealthCheck{Path: "/healthz", Timeout: 20 * time.Second}},
	}
	p, err := asg.New(cfg, asg.Env{World: fleet.World{Driver: drv, Credits: live.Credits}})
	if err != nil {
		t.Fatal(err)
	}
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

	// Load: 4 closed-loop clients of 20 ms CPU-bound requests through the front door.
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
	served := func() int { // targets that served requests
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
			fleettest.CheckEvents(t, p.Events(), "scale", "alarm")
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
	fleettest.CheckEvents(t, p.Events(), "in_service", "alarm", "scale", "launch", "in_service", "terminate")
	u := p.Usage()
	if len(u.Instances) < 2 || u.Requests == 0 || u.FrontDoor != "alb" || !(u.LBLCUHours > 0) {
		t.Fatalf("usage %+v", u)
	}
	for _, rec := range u.Instances {
		if rec.EndedAt.IsZero() {
			t.Errorf("instance %s still billed after Stop", rec.ID)
		}
	}
	if resp, err := http.Get(p.URL() + "/healthz"); err == nil {
		resp.Body.Close()
		t.Errorf("front door still answers after Stop")
	}
	livetest.CheckGone(t, rb)
}

// TestLiveKillIsReplaced kills one of two real instances mid-run: the balancer stops
// routing to it, the group launches a replacement, requests keep succeeding on the
// survivor, and nothing is left after Stop.
func TestLiveKillIsReplaced(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := livetest.World(t, 0.25)
	cfg := asg.Config{
		Min: 2, Max: 2, DisableScaling: true, Timescale: 60, HealthCheckType: asg.HealthCheckELB,
		LoadBalancer: lb.Config{HealthCheck: lb.HealthCheck{Path: "/healthz", Timeout: 20 * time.Second}},
	}
	p, err := asg.New(cfg, asg.Env{World: fleet.World{Driver: drv}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	defer p.Stop(context.Background())
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Fleet().Kill("asg-1"); err != nil {
		t.Fatal(err)
	}
	// The survivor serves while the replacement boots.
	for i := 0; i < 20; i++ {
		resp, err := http.Get(p.URL() + "/work?ms=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 && i > 2 { // a request racing the kill may fail (502)
			t.Fatalf("request %d after the kill: %d", i, resp.StatusCode)
		}
	}
	for {
		st := p.Status()
		if st.InService == 2 && len(p.Fleet().Instances()) == 3 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("capacity not restored: %+v", st)
		case <-time.After(20 * time.Millisecond): // polling a real run
		}
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	fleettest.CheckEvents(t, p.Events(), "killed", "exit", "replace", "terminate", "launch", "in_service")
	livetest.CheckGone(t, rb)
}
