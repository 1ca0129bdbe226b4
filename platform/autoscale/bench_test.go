package autoscale

import (
	"fmt"
	"testing"
	"time"
)

var sinkDecision Decision

func BenchmarkTargetTrackingDecide(b *testing.B) {
	p := TargetTracking{PolicyName: "cpu50", Metric: "CPUUtilization", TargetValue: 50}.
		prepared(AWSDefaults(), 1, time.Minute).(TargetTracking)
	in := Input{Now: epoch, Desired: 4, InService: 4, Value: 90, HasValue: true, MetricSources: 4, Alarms: [2]AlarmState{Alarm, OK}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in.Value = float64(i % 100)
		sinkDecision = p.Decide(in)
	}
}

func BenchmarkStepScalingDecide(b *testing.B) {
	p := stepPolicy(PercentChangeInCapacity, 2,
		StepAdjustment{0, 10, 10}, StepAdjustment{10, 20, 20}, StepAdjustment{20, inf, 30})
	in := Input{Now: epoch, Desired: 10, InService: 10, HasValue: true, Alarms: [2]AlarmState{Alarm}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in.Value = 50 + float64(i%40)
		sinkDecision = p.Decide(in)
	}
}

func BenchmarkSimpleScalingDecide(b *testing.B) {
	p := SimpleScaling{Metric: "m", Adjustment: 1}.prepared(AWSDefaults(), 1, time.Minute).(SimpleScaling)
	in := Input{Now: epoch, Desired: 3, Alarms: [2]AlarmState{Alarm}, LastSimpleScaling: epoch.Add(-time.Minute)}
	b.ReportAllocs()
	for b.Loop() {
		sinkDecision = p.Decide(in)
	}
}

func BenchmarkAlarmEvaluate(b *testing.B) {
	a := AlarmConfig{Comparison: LessThanThreshold, Threshold: 45, EvaluationPeriods: 15, DatapointsToAlarm: 15}
	dps := make([]Datapoint, 15)
	for i := range dps {
		dps[i] = Datapoint{Value: float64(30 + i), OK: i != 3}
	}
	var st AlarmState
	b.ReportAllocs()
	for b.Loop() {
		st = a.Evaluate(st, dps)
	}
}

// BenchmarkSeriesPut is one per-instance sample: the simulator does this once per
// instance per sampling interval.
func BenchmarkSeriesPut(b *testing.B) {
	m, _ := NewMetric(MetricConfig{Name: "CPUUtilization"})
	s := m.Series("i-1")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Put(epoch.Add(time.Duration(i)*time.Second), 42)
	}
}

// BenchmarkMetricRecent fetches an alarm's evaluation range (15 one-minute datapoints)
// aggregated across n instances: what the controller does per alarm per evaluation.
func BenchmarkMetricRecent(b *testing.B) {
	for _, n := range []int{2, 20, 200} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			m, _ := NewMetric(MetricConfig{Name: "CPUUtilization"})
			for i := 0; i < n; i++ {
				s := m.Series(fmt.Sprintf("i-%d", i))
				for t := 0; t < 30*60; t += 10 {
					s.Put(epoch.Add(time.Duration(t)*time.Second), float64(t%100))
				}
			}
			now := epoch.Add(30 * time.Minute)
			dst := make([]Datapoint, 0, 15)
			b.ReportAllocs()
			for b.Loop() {
				dst = m.Recent(dst, now, time.Minute, 15, Average)
			}
		})
	}
}

// BenchmarkControllerStep is one controller evaluation of a target tracking policy over
// 20 instances, excluding the group's own cost of listing its instances.
func BenchmarkControllerStep(b *testing.B) {
	m, _ := NewMetric(MetricConfig{Name: "CPUUtilization"})
	insts := make([]InstanceState, 20)
	for i := range insts {
		insts[i] = InstanceState{ID: fmt.Sprintf("i-%d", i), InServiceAt: epoch.Add(-time.Hour)}
		for t := 0; t < 30*60; t += 10 {
			m.Put(insts[i].ID, epoch.Add(time.Duration(t)*time.Second), 40)
		}
	}
	g := &fixedGroup{desired: 20, insts: insts}
	c, err := NewController(stoppedClock{}, g, Options{MinSize: 1, MaxSize: 40, Metrics: Metrics{"CPUUtilization": m}},
		TargetTracking{PolicyName: "cpu50", Metric: "CPUUtilization", TargetValue: 50})
	if err != nil {
		b.Fatal(err)
	}
	now := epoch.Add(30 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		c.ticks++
		c.step(now)
	}
}
