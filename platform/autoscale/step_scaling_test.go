package autoscale

import (
	"math"
	"testing"
	"time"
)

var inf = math.Inf(1)

func stepPolicy(typ AdjustmentType, minMag int, steps ...StepAdjustment) StepScaling {
	p := StepScaling{PolicyName: "step", Metric: "CPUUtilization", AdjustmentType: typ, MinAdjustmentMagnitude: minMag,
		Alarm: AlarmConfig{Comparison: GreaterThanOrEqualToThreshold, Threshold: 50}, Steps: steps}
	return p.prepared(AWSDefaults(), 1, time.Minute).(StepScaling)
}

func TestStepScalingDecide(t *testing.T) {
	// AWS's example: threshold 50; +10 % for [50, 60), +20 % for [60, 70), +30 % for ≥ 70.
	pct := stepPolicy(PercentChangeInCapacity, 0,
		StepAdjustment{0, 10, 10}, StepAdjustment{10, 20, 20}, StepAdjustment{20, inf, 30})
	change := stepPolicy(ChangeInCapacity, 0,
		StepAdjustment{0, 20, 1}, StepAdjustment{20, inf, 3})
	exact := stepPolicy(ExactCapacity, 0, StepAdjustment{0, inf, 7})
	in := stepPolicy(ChangeInCapacity, 0, StepAdjustment{math.Inf(-1), -10, -2}, StepAdjustment{-10, 0, -1})
	in.Alarm.Comparison = LessThanOrEqualToThreshold
	mag := stepPolicy(PercentChangeInCapacity, 2, StepAdjustment{0, inf, 25})
	fire := [2]AlarmState{Alarm}
	tests := []struct {
		name   string
		p      StepScaling
		in     Input
		want   int
		reason string
	}{
		{"lower bound inclusive above threshold", change, Input{Desired: 2, InService: 2, Value: 50, HasValue: true, Alarms: fire}, 3, ReasonStep},
		{"upper bound exclusive above threshold", change, Input{Desired: 2, InService: 2, Value: 70, HasValue: true, Alarms: fire}, 5, ReasonStep},
		{"alarm not firing", change, Input{Desired: 2, InService: 2, Value: 90, HasValue: true}, 2, ReasonAlarmNotFiring},
		{"no step for the breach", change, Input{Desired: 2, InService: 2, Value: 40, HasValue: true, Alarms: fire}, 2, ReasonNoStep},
		{"missing data", change, Input{Desired: 2, InService: 2, Alarms: fire}, 2, ReasonNoData},
		{"repeat breach while warming does not stack", change, Input{Desired: 3, InService: 2, Warming: 1, Value: 55, HasValue: true, Alarms: fire}, 3, ReasonCovered},
		{"higher step while warming adds the difference", change, Input{Desired: 3, InService: 2, Warming: 1, Value: 75, HasValue: true, Alarms: fire}, 5, ReasonStep},
		{"percent 10% of 10 → +1", pct, Input{Desired: 10, InService: 10, Value: 55, HasValue: true, Alarms: fire}, 11, ReasonStep},
		{"percent 30% of 10 → +3", pct, Input{Desired: 10, InService: 10, Value: 80, HasValue: true, Alarms: fire}, 13, ReasonStep},
		{"percent 30% of 10 while 3 warm: no stacking", pct, Input{Desired: 13, InService: 10, Warming: 3, Value: 85, HasValue: true, Alarms: fire}, 13, ReasonCovered},
		{"percent 20% of 2 = 0.4 → +1", pct, Input{Desired: 2, InService: 2, Value: 65, HasValue: true, Alarms: fire}, 3, ReasonStep},
		{"percent 30% of 9 = 2.7 → +2", pct, Input{Desired: 9, InService: 9, Value: 75, HasValue: true, Alarms: fire}, 11, ReasonStep},
		{"min adjustment magnitude 25% of 4 → +2", mag, Input{Desired: 4, InService: 4, Value: 60, HasValue: true, Alarms: fire}, 6, ReasonStep},
		{"min adjustment magnitude not needed 25% of 20 → +5", mag, Input{Desired: 20, InService: 20, Value: 60, HasValue: true, Alarms: fire}, 25, ReasonStep},
		{"exact capacity", exact, Input{Desired: 2, InService: 2, Value: 60, HasValue: true, Alarms: fire}, 7, ReasonStep},
		{"scale-in shallow step", in, Input{Desired: 5, InService: 5, Value: 45, HasValue: true, Alarms: fire}, 4, ReasonStep},
		{"scale-in upper bound inclusive below threshold", in, Input{Desired: 5, InService: 5, Value: 40, HasValue: true, Alarms: fire}, 3, ReasonStep},
		{"scale-in deeper step", in, Input{Desired: 5, InService: 5, Value: 20, HasValue: true, Alarms: fire}, 3, ReasonStep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.Decide(tt.in)
			if got.Desired != tt.want || got.Reason != tt.reason || got.VetoScaleIn {
				t.Errorf("Decide = %+v, want desired %d reason %q", got, tt.want, tt.reason)
			}
		})
	}
}

func TestAdjust(t *testing.T) {
	tests := []struct {
		current int
		typ     AdjustmentType
		adj     int
		minMag  int
		want    int
	}{
		{4, ChangeInCapacity, 2, 0, 6},
		{4, ChangeInCapacity, -3, 0, 1},
		{1, ChangeInCapacity, -3, 0, 0},
		{1, PercentChangeInCapacity, -57, 57, 0},
		{4, ExactCapacity, 9, 0, 9},
		{127, PercentChangeInCapacity, 10, 0, 139}, // 12.7 → 12 (rounded down)
		{3, PercentChangeInCapacity, 22, 0, 4},     // 0.66 → 1
		{3, PercentChangeInCapacity, -22, 0, 2},    // -0.66 → -1
		{3, PercentChangeInCapacity, -30, 0, 2},    // -0.9 → -1
		{667, PercentChangeInCapacity, -1, 0, 661}, // -6.67 → -6 (rounded up)
		{10, PercentChangeInCapacity, -100, 0, 0},
		{0, PercentChangeInCapacity, 50, 0, 0},
		{4, PercentChangeInCapacity, 25, 2, 6},
		{4, PercentChangeInCapacity, -25, 2, 2},
		{40, PercentChangeInCapacity, 25, 2, 50},
	}
	for _, tt := range tests {
		if got := Adjust(tt.current, tt.typ, tt.adj, tt.minMag); got != tt.want {
			t.Errorf("Adjust(%d, %v, %d, %d) = %d, want %d", tt.current, tt.typ, tt.adj, tt.minMag, got, tt.want)
		}
	}
}

func TestClamp(t *testing.T) {
	for _, tt := range []struct{ n, min, max, want int }{{0, 1, 4, 1}, {5, 1, 4, 4}, {3, 1, 4, 3}, {0, 0, 0, 0}} {
		if got := Clamp(tt.n, tt.min, tt.max); got != tt.want {
			t.Errorf("Clamp(%d, %d, %d) = %d, want %d", tt.n, tt.min, tt.max, got, tt.want)
		}
	}
}

func TestStepScalingValidate(t *testing.T) {
	ok := func() StepScaling {
		return stepPolicy(ChangeInCapacity, 0, StepAdjustment{0, 10, 1}, StepAdjustment{10, inf, 2})
	}
	tests := []struct {
		name  string
		mod   func(*StepScaling)
		field string
	}{
		{"valid", func(*StepScaling) {}, ""},
		{"valid unsorted", func(p *StepScaling) { p.Steps[0], p.Steps[1] = p.Steps[1], p.Steps[0] }, ""},
		{"no metric", func(p *StepScaling) { p.Metric = "" }, "Metric"},
		{"no steps", func(p *StepScaling) { p.Steps = nil }, "Steps"},
		{"overlap", func(p *StepScaling) { p.Steps[1].LowerBound = 5 }, "Steps"},
		{"gap", func(p *StepScaling) { p.Steps[1].LowerBound = 15 }, "Steps"},
		{"empty step", func(p *StepScaling) { p.Steps[0].UpperBound = 0 }, "Steps[0]"},
		{"two open upper ends overlap", func(p *StepScaling) { p.Steps[0].UpperBound = inf }, "Steps"},
		{"NaN bound", func(p *StepScaling) { p.Steps[0].LowerBound = math.NaN() }, "Steps[0]"},
		{"bad adjustment type", func(p *StepScaling) { p.AdjustmentType = 9 }, "AdjustmentType"},
		{"min magnitude without percent", func(p *StepScaling) { p.MinAdjustmentMagnitude = 2 }, "MinAdjustmentMagnitude"},
		{"negative exact", func(p *StepScaling) { p.AdjustmentType = ExactCapacity; p.Steps[0].Adjustment = -1 }, "Steps[0]"},
		{"percent below -100", func(p *StepScaling) { p.AdjustmentType = PercentChangeInCapacity; p.Steps[0].Adjustment = -150 }, "Steps[0]"},
		{"datapoints above periods", func(p *StepScaling) { p.Alarm.DatapointsToAlarm = 3 }, "DatapointsToAlarm"},
		{"unknown treat missing", func(p *StepScaling) { p.Alarm.TreatMissingData = 7 }, "TreatMissingData"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok()
			tt.mod(&p)
			checkFieldError(t, p.Validate(), tt.field)
		})
	}
}

// FuzzStepScalingDecide checks that any policy that validates decides without panicking
// and never proposes a negative capacity or a decision without a reason.
func FuzzStepScalingDecide(f *testing.F) {
	f.Add(0.0, 10.0, 1, 10.0, 2, int8(0), 5, 3, 55.0, 0)
	f.Add(-10.0, 0.0, -20, 50.0, 100, int8(2), 1, 0, 30.0, 2)
	f.Fuzz(func(t *testing.T, lo, mid float64, a1 int, hi float64, a2 int, typ int8, desired, inService int, value float64, minMag int) {
		p := StepScaling{PolicyName: "f", Metric: "m", AdjustmentType: AdjustmentType(typ), MinAdjustmentMagnitude: minMag,
			Alarm: AlarmConfig{Threshold: 50, Period: time.Minute, EvaluationPeriods: 1, DatapointsToAlarm: 1},
			Steps: []StepAdjustment{{lo, mid, a1}, {mid, hi, a2}}}
		if p.Validate() != nil || desired < 0 || desired > 1e6 || inService < 0 || inService > desired || abs(a1) > 1e6 || abs(a2) > 1e6 {
			return
		}
		d := p.Decide(Input{Desired: desired, InService: inService, Value: value, HasValue: true, Alarms: [2]AlarmState{Alarm}})
		if d.Reason == "" {
			t.Fatalf("no reason: %+v", d)
		}
		if d.Desired < 0 {
			t.Fatalf("capacity below zero: %+v", d)
		}
	})
}
