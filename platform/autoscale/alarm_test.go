package autoscale

import (
	"testing"
	"time"
)

func pts(vals ...float64) []Datapoint {
	out := make([]Datapoint, len(vals))
	for i, v := range vals {
		if v < 0 { // negative: missing
			out[i] = Datapoint{}
			continue
		}
		out[i] = Datapoint{Value: v, OK: true}
	}
	return out
}

func TestAlarmEvaluate(t *testing.T) {
	const m = -1 // missing
	threeOfThree := AlarmConfig{Comparison: GreaterThanThreshold, Threshold: 50, EvaluationPeriods: 3, DatapointsToAlarm: 3}
	twoOfThree := threeOfThree
	twoOfThree.DatapointsToAlarm = 2
	with := func(c AlarmConfig, t TreatMissing) AlarmConfig { c.TreatMissingData = t; return c }
	tests := []struct {
		name string
		cfg  AlarmConfig
		prev AlarmState
		dps  []Datapoint
		want AlarmState
	}{
		{"3 of 3 breaching", threeOfThree, OK, pts(90, 90, 90), Alarm},
		{"2 of 3 is not 3 of 3", threeOfThree, OK, pts(40, 90, 90), OK},
		{"threshold is exclusive for >", threeOfThree, OK, pts(50, 50, 50), OK},
		{"M of N: 2 of 3", twoOfThree, OK, pts(90, 10, 90), Alarm},
		{"missing: all missing → insufficient", threeOfThree, Alarm, pts(m, m, m), InsufficientData},
		{"missing: skipped, present not enough", threeOfThree, OK, pts(m, 90, 90), OK},
		{"missing: skipped, 2 of 3 reached", twoOfThree, OK, pts(m, 90, 90), Alarm},
		{"notBreaching: missing is good", with(twoOfThree, NotBreaching), Alarm, pts(m, m, 90), OK},
		{"notBreaching: all missing → OK", with(threeOfThree, NotBreaching), Alarm, pts(m, m, m), OK},
		{"breaching: missing is bad", with(threeOfThree, Breaching), OK, pts(m, 90, 90), Alarm},
		{"ignore: all missing keeps ALARM", with(threeOfThree, Ignore), Alarm, pts(m, m, m), Alarm},
		{"ignore: all missing keeps OK", with(threeOfThree, Ignore), OK, pts(m, m, m), OK},
		{"ignore: present decide", with(threeOfThree, Ignore), Alarm, pts(m, 10, m), OK},
		{"less than", AlarmConfig{Comparison: LessThanThreshold, Threshold: 45, EvaluationPeriods: 2, DatapointsToAlarm: 2}, OK, pts(44, 44.9), Alarm},
		{"less or equal", AlarmConfig{Comparison: LessThanOrEqualToThreshold, Threshold: 45, EvaluationPeriods: 1, DatapointsToAlarm: 1}, OK, pts(45), Alarm},
		{"greater or equal", AlarmConfig{Comparison: GreaterThanOrEqualToThreshold, Threshold: 45, EvaluationPeriods: 1, DatapointsToAlarm: 1}, OK, pts(45), Alarm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.Evaluate(tt.prev, tt.dps); got != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAlarmValidate(t *testing.T) {
	ok := AlarmConfig{Name: "a", Period: time.Minute, EvaluationPeriods: 3, DatapointsToAlarm: 2}
	tests := []struct {
		name  string
		mod   func(*AlarmConfig)
		field string
	}{
		{"valid", func(*AlarmConfig) {}, ""},
		{"zero values take defaults", func(a *AlarmConfig) { *a = AlarmConfig{} }, ""},
		{"statistic", func(a *AlarmConfig) { a.Statistic = 42 }, "Statistic"},
		{"comparison", func(a *AlarmConfig) { a.Comparison = -1 }, "Comparison"},
		{"period", func(a *AlarmConfig) { a.Period = -time.Minute }, "Period"},
		{"evaluation periods", func(a *AlarmConfig) { a.EvaluationPeriods = -3 }, "EvaluationPeriods"},
		{"datapoints above N", func(a *AlarmConfig) { a.DatapointsToAlarm = 4 }, "DatapointsToAlarm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ok
			tt.mod(&a)
			checkFieldError(t, a.Validate(), tt.field)
		})
	}
	for _, s := range []string{InsufficientData.String(), OK.String(), Alarm.String(), Ignore.String(), LessThanThreshold.String(), PercentChangeInCapacity.String()} {
		if s == "" {
			t.Error("empty name")
		}
	}
}
