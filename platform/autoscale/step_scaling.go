package autoscale

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// StepAdjustment is one step of a step scaling policy. Bounds are relative to the alarm
// threshold (breach = metric − threshold); use math.Inf(-1) / math.Inf(1) for an open end.
// Above the threshold the lower bound is inclusive and the upper exclusive; below it the
// lower bound is exclusive and the upper inclusive (as AWS documents in StepAdjustment).
type StepAdjustment struct {
	LowerBound float64
	UpperBound float64
	Adjustment int
}

// contains reports whether breach x falls in the step.
func (s StepAdjustment) contains(x float64) bool {
	if x >= 0 {
		return s.LowerBound <= x && x < s.UpperBound
	}
	return s.LowerBound < x && x <= s.UpperBound
}

// StepScaling is a step scaling policy: while its alarm is in ALARM, each evaluation applies
// the step that contains the breach. Step scaling ignores cooldowns; instead, scale-out
// steps are computed from the instances past warm-up and only raise the desired capacity,
// so warming instances count toward it and repeated breaches in the same step do not stack
// (as-scaling-simple-step.html).
type StepScaling struct {
	// PolicyName labels events.
	PolicyName string
	// Metric names the watched metric.
	Metric string
	// Alarm defines the breach threshold; its EvaluationPeriods default to 1.
	Alarm AlarmConfig
	// AdjustmentType says how Steps' adjustments are read.
	AdjustmentType AdjustmentType
	// Steps must not overlap or leave gaps between them.
	Steps []StepAdjustment
	// MinAdjustmentMagnitude is the least change for PercentChangeInCapacity.
	MinAdjustmentMagnitude int
}

// Name implements Policy.
func (p StepScaling) Name() string { return p.PolicyName }

// MetricName implements Policy.
func (p StepScaling) MetricName() string { return p.Metric }

func (p StepScaling) isSimple() bool { return false }

func (p StepScaling) prepared(d Defaults, timescale float64, metricPeriod time.Duration) Policy {
	p.Alarm = prepareAlarm(p.Alarm, p.PolicyName, timescale, metricPeriod)
	return p
}

func prepareAlarm(a AlarmConfig, policy string, timescale float64, metricPeriod time.Duration) AlarmConfig {
	if a.Period != 0 {
		a.Period = scaleDuration(a.Period, timescale)
	}
	if a.Name == "" {
		a.Name = policy + "-Alarm"
	}
	return a.withDefaults(metricPeriod)
}

// Alarms implements Policy.
func (p StepScaling) Alarms() []AlarmConfig { return []AlarmConfig{p.Alarm} }

// Validate reports the first invalid field: no steps, overlapping or gapped steps, an
// empty step, more than one open end on a side, a bad adjustment type or magnitude.
func (p StepScaling) Validate() error {
	name := p.PolicyName
	if p.Metric == "" {
		return fmt.Errorf("autoscale: step scaling %q: Metric: must name a metric", name)
	}
	if err := p.Alarm.Validate(); err != nil {
		return fmt.Errorf("autoscale: step scaling %q: Alarm: %w", name, err)
	}
	if err := validateAdjustment(name, "step scaling", p.AdjustmentType, p.MinAdjustmentMagnitude); err != nil {
		return err
	}
	if len(p.Steps) == 0 {
		return fmt.Errorf("autoscale: step scaling %q: Steps: need at least one step", name)
	}
	steps := make([]StepAdjustment, len(p.Steps))
	copy(steps, p.Steps)
	for i, s := range steps {
		if math.IsNaN(s.LowerBound) || math.IsNaN(s.UpperBound) || !(s.LowerBound < s.UpperBound) {
			return fmt.Errorf("autoscale: step scaling %q: Steps[%d]: LowerBound %v must be below UpperBound %v", name, i, s.LowerBound, s.UpperBound)
		}
		if p.AdjustmentType == ExactCapacity && s.Adjustment < 0 {
			return fmt.Errorf("autoscale: step scaling %q: Steps[%d].Adjustment: ExactCapacity must be ≥ 0, got %d", name, i, s.Adjustment)
		}
		if p.AdjustmentType == PercentChangeInCapacity && s.Adjustment < -100 {
			return fmt.Errorf("autoscale: step scaling %q: Steps[%d].Adjustment: PercentChangeInCapacity must be ≥ -100, got %d", name, i, s.Adjustment)
		}
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].LowerBound < steps[j].LowerBound })
	for i := 1; i < len(steps); i++ {
		prev, cur := steps[i-1], steps[i]
		switch {
		case cur.LowerBound < prev.UpperBound:
			return fmt.Errorf("autoscale: step scaling %q: Steps: [%v, %v) overlaps [%v, %v)", name, prev.LowerBound, prev.UpperBound, cur.LowerBound, cur.UpperBound)
		case cur.LowerBound > prev.UpperBound:
			return fmt.Errorf("autoscale: step scaling %q: Steps: gap between %v and %v", name, prev.UpperBound, cur.LowerBound)
		}
	}
	return nil
}

func validateAdjustment(name, kind string, t AdjustmentType, minMag int) error {
	if t < ChangeInCapacity || t > PercentChangeInCapacity {
		return fmt.Errorf("autoscale: %s %q: AdjustmentType: unknown value %d (use ChangeInCapacity, ExactCapacity or PercentChangeInCapacity)", kind, name, int(t))
	}
	if minMag < 0 {
		return fmt.Errorf("autoscale: %s %q: MinAdjustmentMagnitude: must be ≥ 0, got %d", kind, name, minMag)
	}
	if minMag > 0 && t != PercentChangeInCapacity {
		return fmt.Errorf("autoscale: %s %q: MinAdjustmentMagnitude: only valid with PercentChangeInCapacity", kind, name)
	}
	return nil
}

// Reasons step and simple scaling give.
const (
	ReasonAlarmNotFiring = "alarm not in ALARM"
	ReasonNoStep         = "no step adjustment for the breach"
	ReasonStep           = "step adjustment"
	ReasonSimple         = "simple adjustment"
	ReasonCooldown       = "in cooldown"
)

// Decide applies the step containing Value − threshold when the alarm is in ALARM.
func (p StepScaling) Decide(in Input) Decision {
	d := Decision{Desired: in.Desired}
	if in.Alarms[0] != Alarm {
		d.Reason = ReasonAlarmNotFiring
		return d
	}
	if !in.HasValue {
		d.Reason = ReasonNoData
		return d
	}
	x := in.Value - p.Alarm.Threshold
	for _, s := range p.Steps {
		if !s.contains(x) {
			continue
		}
		scaleOut := s.Adjustment > 0 || (p.AdjustmentType == ExactCapacity && s.Adjustment > in.Desired)
		if scaleOut && p.AdjustmentType != ExactCapacity {
			// Warming instances count toward the desired capacity: compute from those past
			// warm-up and only ever raise.
			want := Adjust(in.InService, p.AdjustmentType, s.Adjustment, p.MinAdjustmentMagnitude)
			if want > in.Desired {
				d.Desired, d.Reason = want, ReasonStep
			} else {
				d.Reason = ReasonCovered
			}
			return d
		}
		d.Desired, d.Reason = Adjust(in.Desired, p.AdjustmentType, s.Adjustment, p.MinAdjustmentMagnitude), ReasonStep
		return d
	}
	d.Reason = ReasonNoStep
	return d
}
