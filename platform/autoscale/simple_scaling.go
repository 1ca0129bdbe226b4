package autoscale

import (
	"fmt"
	"time"
)

// SimpleScaling is a simple scaling policy: when its alarm is in ALARM, one adjustment,
// then no simple scaling in the group until the cooldown has passed (default 300 s).
// Auto Scaling alarm actions are invoked on every evaluation while the alarm stays in
// ALARM, so a persisting breach produces a staircase, one step per cooldown.
//
// Approximation: AWS starts the cooldown when the scaling activity completes (instances in
// service); the model starts it when the desired capacity changes.
type SimpleScaling struct {
	// PolicyName labels events.
	PolicyName string
	// Metric names the watched metric.
	Metric string
	// Alarm defines when the policy acts.
	Alarm AlarmConfig
	// AdjustmentType and Adjustment define the change; MinAdjustmentMagnitude applies to
	// PercentChangeInCapacity.
	AdjustmentType         AdjustmentType
	Adjustment             int
	MinAdjustmentMagnitude int
	// Cooldown after a simple scaling activity (default 300 s).
	Cooldown time.Duration
}

// Name implements Policy.
func (p SimpleScaling) Name() string { return p.PolicyName }

// MetricName implements Policy.
func (p SimpleScaling) MetricName() string { return p.Metric }

func (p SimpleScaling) isSimple() bool { return true }

func (p SimpleScaling) prepared(d Defaults, timescale float64, metricPeriod time.Duration) Policy {
	p.Alarm = prepareAlarm(p.Alarm, p.PolicyName, timescale, metricPeriod)
	if p.Cooldown == 0 {
		p.Cooldown = scaleDuration(d.SimpleCooldown, timescale)
	} else {
		p.Cooldown = scaleDuration(p.Cooldown, timescale)
	}
	return p
}

// Alarms implements Policy.
func (p SimpleScaling) Alarms() []AlarmConfig { return []AlarmConfig{p.Alarm} }

// Validate reports the first invalid field.
func (p SimpleScaling) Validate() error {
	name := p.PolicyName
	if p.Metric == "" {
		return fmt.Errorf("autoscale: simple scaling %q: Metric: must name a metric", name)
	}
	if err := p.Alarm.Validate(); err != nil {
		return fmt.Errorf("autoscale: simple scaling %q: Alarm: %w", name, err)
	}
	if err := validateAdjustment(name, "simple scaling", p.AdjustmentType, p.MinAdjustmentMagnitude); err != nil {
		return err
	}
	switch {
	case p.Adjustment == 0 && p.AdjustmentType != ExactCapacity:
		return fmt.Errorf("autoscale: simple scaling %q: Adjustment: must not be 0", name)
	case p.AdjustmentType == ExactCapacity && p.Adjustment < 0:
		return fmt.Errorf("autoscale: simple scaling %q: Adjustment: ExactCapacity must be ≥ 0, got %d", name, p.Adjustment)
	case p.AdjustmentType == PercentChangeInCapacity && p.Adjustment < -100:
		return fmt.Errorf("autoscale: simple scaling %q: Adjustment: PercentChangeInCapacity must be ≥ -100, got %d", name, p.Adjustment)
	case p.Cooldown < 0:
		return fmt.Errorf("autoscale: simple scaling %q: Cooldown: must be ≥ 0, got %v", name, p.Cooldown)
	}
	return nil
}

// Decide applies the adjustment to Desired when the alarm is in ALARM and the group's
// simple scaling cooldown (since Input.LastSimpleScaling) has passed.
func (p SimpleScaling) Decide(in Input) Decision {
	d := Decision{Desired: in.Desired}
	switch {
	case in.Alarms[0] != Alarm:
		d.Reason = ReasonAlarmNotFiring
	case !in.LastSimpleScaling.IsZero() && in.Now.Before(in.LastSimpleScaling.Add(p.Cooldown)):
		d.Reason = ReasonCooldown
	default:
		d.Desired = Adjust(in.Desired, p.AdjustmentType, p.Adjustment, p.MinAdjustmentMagnitude)
		d.Reason = ReasonSimple
	}
	return d
}
