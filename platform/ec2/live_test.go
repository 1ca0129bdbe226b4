package ec2_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/ec2"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/fleet/live"
	"github.com/deploybench/deploybench/platform/fleet/live/livetest"
)

func TestMain(m *testing.M) { fleettest.Main(m) }

// TestLiveSingleInstance runs a real app process as one EC2 instance: Start returns once
// it serves, the URL reaches it directly, Usage holds one instance record, and Stop leaves
// no process, cgroup or port behind.
func TestLiveSingleInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := livetest.World(t, 0.25)
	p, err := ec2.New(ec2.Config{Timescale: 100}, fleet.World{Driver: drv, Credits: live.Credits})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(p.URL() + "/work?ms=5")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) == 0 {
		t.Fatalf("GET /work: %d %q", resp.StatusCode, body)
	}
	u := p.Usage()
	if len(u.Instances) != 1 || !u.Instances[0].EndedAt.IsZero() || u.Instances[0].Type != ec2.DefaultInstanceType {
		t.Fatalf("usage while running: %+v", u.Instances)
	}
	if st := p.Status(); st.InService != 1 {
		t.Fatalf("status %+v", st)
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	u = p.Usage()
	if len(u.Instances) != 1 || u.Instances[0].EndedAt.IsZero() {
		t.Fatalf("usage after stop: %+v", u.Instances)
	}
	fleettest.CheckEvents(t, p.Events(), "launch", "running", "boot_done", "app_ready", "in_service", "terminate")
	livetest.CheckGone(t, rb)
}
