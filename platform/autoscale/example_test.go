package autoscale_test

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/clocktest"
)

// group is the smallest Group: two instances that never change.
type group struct{ desired int }

func (g *group) Desired() int               { return g.desired }
func (g *group) SetDesired(n int, _ string) { g.desired = n }
func (g *group) Instances() []autoscale.InstanceState {
	long := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Hour)
	return []autoscale.InstanceState{{ID: "i-1", InServiceAt: long}, {ID: "i-2", InServiceAt: long}}
}

// A target tracking policy at 50 % CPU on a 2-instance group that runs at 90 %: three
// one-minute datapoints above the target, visible two minutes after each minute ends,
// scale the group out to ⌈2 × 90 / 50⌉ = 4.
func ExampleNewController() {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := clocktest.New(start)
	cpu, _ := autoscale.NewMetric(autoscale.MetricConfig{Name: "CPUUtilization"})
	for s := 0; s < 600; s++ {
		cpu.Put("i-1", start.Add(time.Duration(s)*time.Second), 90)
		cpu.Put("i-2", start.Add(time.Duration(s)*time.Second), 90)
	}
	g := &group{desired: 2}
	c, err := autoscale.NewController(clock, g, autoscale.Options{
		MinSize: 1, MaxSize: 8,
		Metrics:  autoscale.Metrics{"CPUUtilization": cpu},
		Observer: func(e autoscale.Event) { fmt.Println(e) },
	}, autoscale.TargetTracking{PolicyName: "cpu50", Metric: "CPUUtilization", TargetValue: 50})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = c.Start()
	defer c.Stop()
	clock.Advance(5 * time.Minute)
	// Output:
	// 00:03:00 alarm cpu50-AlarmHigh OK value=90.00
	// 00:03:00 alarm cpu50-AlarmLow OK value=90.00
	// 00:05:00 alarm cpu50-AlarmHigh ALARM value=90.00
	// 00:05:00 scale cpu50 2->4 metric above target value=90.00
}
