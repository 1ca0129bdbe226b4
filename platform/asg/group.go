package asg

import (
	"fmt"

	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/fleet"
)

// group is the fleet as the autoscale Controller sees it.
type group struct{ f *fleet.Fleet }

// Desired implements autoscale.Group.
func (g group) Desired() int { return g.f.Desired() }

// SetDesired implements autoscale.Group.
func (g group) SetDesired(n int, reason string) {
	g.f.Emit("scale", "", fmt.Sprintf("desired %d → %d: %s", g.f.Desired(), n, reason))
	g.f.SetDesired(n)
}

// Instances implements autoscale.Group: every instance that counts toward desired.
func (g group) Instances() []autoscale.InstanceState {
	var out []autoscale.InstanceState
	for _, in := range g.f.Instances() {
		if in.State >= fleet.Draining {
			continue
		}
		out = append(out, autoscale.InstanceState{ID: in.ID, LaunchedAt: in.LaunchedAt, InServiceAt: in.InServiceAt})
	}
	return out
}

// controllerEvent turns alarm changes into platform events; scale events are emitted by
// SetDesired with the old and new capacity.
func controllerEvent(f *fleet.Fleet) func(autoscale.Event) {
	return func(e autoscale.Event) {
		if e.Kind != autoscale.EventAlarm {
			return
		}
		v := "missing"
		if e.HasValue {
			v = fmt.Sprintf("%.2f", e.Value)
		}
		f.Emit("alarm", "", fmt.Sprintf("%s %s (value %s)", e.Alarm, e.State, v))
	}
}
