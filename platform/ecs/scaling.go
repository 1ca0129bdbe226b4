package ecs

import (
	"fmt"

	"github.com/deploybench/deploybench/platform/autoscale"
)

// serviceGroup is the service as ECS service auto scaling (the autoscale Controller with
// a ServiceCombiner) sees it.
//
// Current capacity is the running count, as Application Auto Scaling computes ECS
// scaling from it (aws-facts: "starts from running count"), held within [min, desired]
// so that tasks still starting neither trigger the min clamp nor let a scale-out lower
// the desired count: a decision above the running count but not above desired is already
// satisfied by the tasks on their way.
type serviceGroup struct {
	s   *Service
	min int
}

// Desired implements autoscale.Group.
func (g serviceGroup) Desired() int {
	d := g.s.Desired()
	return min(max(g.s.Running(), g.min), d)
}

// SetDesired implements autoscale.Group.
func (g serviceGroup) SetDesired(n int, reason string) {
	d := g.s.Desired()
	if n > g.Desired() && n <= d {
		return
	}
	g.s.o.Log.Emit("scale", "", fmt.Sprintf("desired tasks %d → %d: %s", d, n, reason))
	g.s.SetDesired(n)
}

// Instances implements autoscale.Group: the RUNNING tasks, the ones the metrics come
// from. Tasks still starting are left out rather than reported as warming up: a warming
// instance blocks target tracking's scale-in, and a task stuck in PROVISIONING (no
// capacity) must not block it — Application Auto Scaling works from the running count.
func (g serviceGroup) Instances() []autoscale.InstanceState {
	var out []autoscale.InstanceState
	for _, t := range g.s.Tasks() {
		if t.State != Running {
			continue
		}
		out = append(out, autoscale.InstanceState{ID: t.ID, LaunchedAt: t.CreatedAt, InServiceAt: t.RunningAt})
	}
	return out
}

// alarmEvents turns alarm changes into platform events; scale events come from
// SetDesired with the old and new counts.
func alarmEvents(log *Log, prefix string) func(autoscale.Event) {
	return func(e autoscale.Event) {
		if e.Kind != autoscale.EventAlarm {
			return
		}
		v := "missing"
		if e.HasValue {
			v = fmt.Sprintf("%.2f", e.Value)
		}
		log.Emit(prefix+"alarm", "", fmt.Sprintf("%s %s (value %s)", e.Alarm, e.State, v))
	}
}
