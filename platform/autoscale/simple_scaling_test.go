package autoscale

import (
	"testing"
	"time"
)

func TestSimpleScalingDecide(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := SimpleScaling{PolicyName: "add1", Metric: "CPUUtilization", Adjustment: 1,
		Alarm: AlarmConfig{Comparison: GreaterThanThreshold, Threshold: 66}}.prepared(AWSDefaults(), 1, time.Minute).(SimpleScaling)
	fire := [2]AlarmState{Alarm}
	tests := []struct {
		name   string
		p      SimpleScaling
		in     Input
		want   int
		reason string
	}{
		{"first activity", p, Input{Now: t0, Desired: 1, Alarms: fire}, 2, ReasonSimple},
		{"alarm OK", p, Input{Now: t0, Desired: 1, Alarms: [2]AlarmState{OK}}, 1, ReasonAlarmNotFiring},
		{"in cooldown 299 s after", p, Input{Now: t0.Add(299 * time.Second), Desired: 2, Alarms: fire, LastSimpleScaling: t0}, 2, ReasonCooldown},
		{"cooldown over at 300 s", p, Input{Now: t0.Add(300 * time.Second), Desired: 2, Alarms: fire, LastSimpleScaling: t0}, 3, ReasonSimple},
		{"scaled cooldown", SimpleScaling{Metric: "m", Adjustment: -1}.prepared(AWSDefaults(), 10, time.Minute).(SimpleScaling),
			Input{Now: t0.Add(30 * time.Second), Desired: 3, Alarms: fire, LastSimpleScaling: t0}, 2, ReasonSimple},
		{"percent with magnitude", SimpleScaling{Metric: "m", AdjustmentType: PercentChangeInCapacity, Adjustment: 10, MinAdjustmentMagnitude: 2}.prepared(AWSDefaults(), 1, time.Minute).(SimpleScaling),
			Input{Now: t0, Desired: 5, Alarms: fire}, 7, ReasonSimple},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.Decide(tt.in)
			if got.Desired != tt.want || got.Reason != tt.reason {
				t.Errorf("Decide = %+v, want %d %q", got, tt.want, tt.reason)
			}
		})
	}
}

func TestSimpleScalingValidate(t *testing.T) {
	ok := SimpleScaling{PolicyName: "s", Metric: "m", Adjustment: 1, Alarm: AlarmConfig{Period: time.Minute, EvaluationPeriods: 1}}
	tests := []struct {
		name  string
		mod   func(*SimpleScaling)
		field string
	}{
		{"valid", func(*SimpleScaling) {}, ""},
		{"zero adjustment", func(p *SimpleScaling) { p.Adjustment = 0 }, "Adjustment"},
		{"negative cooldown", func(p *SimpleScaling) { p.Cooldown = -time.Second }, "Cooldown"},
		{"no metric", func(p *SimpleScaling) { p.Metric = "" }, "Metric"},
		{"alarm period", func(p *SimpleScaling) { p.Alarm.Period = -time.Second }, "Period"},
		{"alarm evaluation periods", func(p *SimpleScaling) { p.Alarm.EvaluationPeriods = -1 }, "EvaluationPeriods"},
		{"negative exact", func(p *SimpleScaling) { p.AdjustmentType = ExactCapacity; p.Adjustment = -2 }, "Adjustment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.mod(&p)
			checkFieldError(t, p.Validate(), tt.field)
		})
	}
}
