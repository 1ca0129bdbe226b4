package autoscale

import (
	"strings"
	"testing"
	"time"
)

func TestTargetTrackingDecide(t *testing.T) {
	p := TargetTracking{PolicyName: "cpu50", Metric: "CPUUtilization", TargetValue: 50}.
		prepared(AWSDefaults(), 1, time.Minute).(TargetTracking)
	high := [2]AlarmState{Alarm, OK}
	low := [2]AlarmState{OK, Alarm}
	tests := []struct {
		name   string
		p      TargetTracking
		in     Input
		want   int
		veto   bool
		reason string
	}{
		{"proportional scale-out 2 at 90% → 4", p, Input{Desired: 2, InService: 2, Value: 90, HasValue: true, Alarms: high}, 4, true, ReasonScaleOut},
		{"proportional scale-out 4 at 100% → 8", p, Input{Desired: 4, InService: 4, Value: 100, HasValue: true, Alarms: high}, 8, true, ReasonScaleOut},
		{"exact multiple is not rounded up", p, Input{Desired: 2, InService: 2, Value: 75, HasValue: true, Alarms: high}, 3, true, ReasonScaleOut},
		{"rounds up: 3 at 51% → 4", p, Input{Desired: 3, InService: 3, Value: 51, HasValue: true, Alarms: high}, 4, true, ReasonScaleOut},
		{"warming instances excluded from metric count toward desired", p, Input{Desired: 4, InService: 2, Warming: 2, Value: 90, HasValue: true, Alarms: high}, 4, true, ReasonCovered},
		{"further breach while warming adds only the difference", p, Input{Desired: 4, InService: 2, Warming: 2, Value: 150, HasValue: true, Alarms: high}, 6, true, ReasonScaleOut},
		{"missing data: no action", p, Input{Desired: 2, InService: 2, Alarms: high}, 2, true, ReasonNoData},
		{"no in-service instance: no action", p, Input{Desired: 2, Warming: 2, Value: 90, HasValue: true, Alarms: high}, 2, true, ReasonNoData},
		{"no alarm: no action", p, Input{Desired: 2, InService: 2, Value: 60, HasValue: true}, 2, true, ReasonNoAlarm},
		{"gradual scale-in 4 at 20% → 2", p, Input{Desired: 4, InService: 4, Value: 20, HasValue: true, Alarms: low}, 2, false, ReasonScaleIn},
		{"scale-in rounds up: 4 at 30% → 3", p, Input{Desired: 4, InService: 4, Value: 30, HasValue: true, Alarms: low}, 3, false, ReasonScaleIn},
		{"scale-in never below 1", p, Input{Desired: 3, InService: 3, Value: 0, HasValue: true, Alarms: low}, 1, false, ReasonScaleIn},
		{"scale-in blocked while warming", p, Input{Desired: 4, InService: 3, Warming: 1, Value: 10, HasValue: true, Alarms: low}, 4, true, ReasonWarmingBlocksIn},
		{"disableScaleIn", func() TargetTracking { q := p; q.DisableScaleIn = true; return q }(), Input{Desired: 4, InService: 4, Value: 10, HasValue: true, Alarms: low}, 4, true, ReasonScaleInDisabled},
		{"request count per target 1000 per target at 2500 on 2 → 5", TargetTracking{TargetValue: 1000}, Input{Desired: 2, InService: 2, Value: 2500, HasValue: true, Alarms: high}, 5, true, ReasonScaleOut},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.Decide(tt.in)
			if got.Desired != tt.want || got.VetoScaleIn != tt.veto || got.Reason != tt.reason {
				t.Errorf("Decide = %+v, want desired %d veto %v reason %q", got, tt.want, tt.veto, tt.reason)
			}
		})
	}
}

func TestTargetTrackingAlarms(t *testing.T) {
	p := TargetTracking{PolicyName: "cpu50", Metric: "CPUUtilization", TargetValue: 50}.
		prepared(AWSDefaults(), 1, time.Minute).(TargetTracking)
	a := p.Alarms()
	if len(a) != 2 {
		t.Fatalf("alarms = %d, want 2", len(a))
	}
	if a[0].Comparison != GreaterThanThreshold || a[0].Threshold != 50 || a[0].EvaluationPeriods != 3 || a[0].DatapointsToAlarm != 3 {
		t.Errorf("AlarmHigh = %+v, want > 50 for 3 of 3", a[0])
	}
	if a[1].Comparison != LessThanThreshold || a[1].Threshold != 45 || a[1].EvaluationPeriods != 15 || a[1].DatapointsToAlarm != 15 {
		t.Errorf("AlarmLow = %+v, want < 45 for 15 of 15", a[1])
	}
	hr := TargetTracking{PolicyName: "hr", Metric: "m", TargetValue: 50, Period: 10 * time.Second}.
		prepared(AWSDefaults(), 1, 10*time.Second).(TargetTracking)
	if got := hr.Alarms()[0].evaluationInterval(AWSDefaults()); got != 10*time.Second {
		t.Errorf("high-resolution evaluation interval = %v, want 10s", got)
	}
}

func TestTargetTrackingValidate(t *testing.T) {
	ok := TargetTracking{PolicyName: "p", Metric: "m", TargetValue: 50}
	tests := []struct {
		name  string
		mod   func(*TargetTracking)
		field string
	}{
		{"valid", func(*TargetTracking) {}, ""},
		{"no metric", func(p *TargetTracking) { p.Metric = "" }, "Metric"},
		{"zero target", func(p *TargetTracking) { p.TargetValue = 0 }, "TargetValue"},
		{"negative target", func(p *TargetTracking) { p.TargetValue = -5 }, "TargetValue"},
		{"negative period", func(p *TargetTracking) { p.Period = -time.Second }, "Period"},
		{"negative datapoints", func(p *TargetTracking) { p.ScaleInDatapoints = -1 }, "ScaleInDatapoints"},
		{"ratio above 1", func(p *TargetTracking) { p.ScaleInThresholdRatio = 1.5 }, "ScaleInThresholdRatio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.mod(&p)
			checkFieldError(t, p.Validate(), tt.field)
		})
	}
}

// checkFieldError asserts err is nil when field is empty, else that it names the field.
func checkFieldError(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), field+":") && !strings.Contains(err.Error(), field+"[") && !strings.Contains(err.Error(), field+".") {
		t.Fatalf("error %v does not name field %s", err, field)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans lines: %q", err)
	}
}
