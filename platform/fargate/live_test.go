package fargate

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
