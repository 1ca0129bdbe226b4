package live

import (
	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/runtime"
)

// NewWorld is the live fleet.World in one call: the wall clock, a Driver running app on
// backend, the runtime's CPU-credit accountant, and onEvent (may be nil). labels are
// added to every instance (e.g. {"platform": "asg-t3"}).
func NewWorld(backend runtime.Backend, app App, vcpuFraction float64, labels map[string]string, onEvent func(platform.Event)) (fleet.World, error) {
	d, err := NewDriver(backend, app, vcpuFraction, labels)
	if err != nil {
		return fleet.World{}, err
	}
	return fleet.World{Clock: platform.WallClock{}, Driver: d, Credits: Credits, OnEvent: onEvent}, nil
}
