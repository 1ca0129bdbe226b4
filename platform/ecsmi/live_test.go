package ecsmi

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

// TestLiveScaleOut: a real Managed Instances service of one task scales out under CPU
// load onto the cost-optimised type (several tasks per instance); the instances carry
// the management fee and nothing is left after Stop.
func TestLiveScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := livetest.World(t, 0.25)
	p, err := New(Config{ServiceConfig: ecstest.LiveService()}, ecs.Env{World: fleet.World{Driver: drv}}, catalog(t))
	if err != nil {
		t.Fatal(err)
	}
	ecstest.ScaleOut(t, p, rb)
	u := p.Usage()
	if len(u.Instances) < 1 || len(u.Tasks) != 0 {
		t.Fatalf("usage %+v", u)
	}
	for _, r := range u.Instances {
		if !r.ManagedFee {
			t.Fatalf("instance %s without the management fee", r.ID)
		}
	}
}
