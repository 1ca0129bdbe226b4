package ecsec2

import (
	"os"
	"testing"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecs/ecstest"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/fleet/live/livetest"
)

func TestMain(m *testing.M) {
	if os.Getenv(fleettest.AppEnv) == "1" {
		fleettest.ServeApp()
		return
	}
	os.Exit(m.Run())
}

// TestLiveScaleOut: a real ECS on EC2 service of one task scales out under CPU load;
// c5.large holds one task, so the second task waits for managed scaling to add an
// instance; the instances are billed and nothing is left after Stop.
func TestLiveScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := livetest.World(t, 0.25)
	cfg := Config{ServiceConfig: ecstest.LiveService(), LaunchTemplate: fleet.LaunchTemplate{InstanceType: "c5.large"},
		Instances: Instances{Min: 1, Max: 3}}
	p, err := New(cfg, ecs.Env{World: fleet.World{Driver: drv}})
	if err != nil {
		t.Fatal(err)
	}
	ecstest.ScaleOut(t, p, rb)
	fleettest.CheckEvents(t, p.Events(), "launch", "task_running", "scale", "capacity_scale", "launch", "instance_registered", "task_running")
	if u := p.Usage(); len(u.Instances) < 2 || len(u.Tasks) != 0 {
		t.Fatalf("usage %+v", u)
	}
}
