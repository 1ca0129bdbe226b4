package autoscale

import (
	"fmt"
	"math"
	"time"
)

// TargetTracking is a target tracking scaling policy: it keeps the metric (e.g. average CPU
// of in-service instances, or request count per target) at or below TargetValue.
//
// AWS behaviour modelled: the policy keeps the metric "at, or close to" the target, adding
// capacity in proportion to the metric as fast as it can and removing it more cautiously
// (Application Auto Scaling, target-tracking-scaling-policy-overview.html); EC2 Auto Scaling
// adds that it rounds the instance count conservatively, so small groups may sit visibly
// below the target (as-scaling-target-tracking.html, "Considerations"). Here both
// directions use ⌈capacity × metric / target⌉: rounding up adds enough and never removes
// so much that the metric would exceed the target, so the metric settles at or below it.
// The policy owns two alarms, AlarmHigh (metric > target for ScaleOutDatapoints of as many
// datapoints) and AlarmLow (metric < ScaleInThresholdRatio × target for ScaleInDatapoints
// of as many): the gap between the two thresholds is the tolerance band in which nothing
// happens. Missing data means no scaling; instances in warm-up do not count in the metric
// and block scale-in; with several target tracking policies, scale-in needs all of them
// (ASGCombiner).
type TargetTracking struct {
	// PolicyName labels events.
	PolicyName string
	// Metric names the metric in the Controller's MetricSource (e.g. "CPUUtilization").
	Metric string
	// Statistic of the metric (default Average).
	Statistic Statistic
	// TargetValue is the value to keep the metric at or below; > 0.
	TargetValue float64
	// Period is the datapoint length (default the metric's period; 10 s is high resolution).
	Period time.Duration
	// ScaleOutDatapoints and ScaleInDatapoints are the M-of-M of AlarmHigh and AlarmLow
	// (defaults 3 and 15).
	ScaleOutDatapoints int
	ScaleInDatapoints  int
	// ScaleInThresholdRatio places AlarmLow at ratio × TargetValue (default 0.9).
	ScaleInThresholdRatio float64
	// DisableScaleIn leaves scale-in to other policies.
	DisableScaleIn bool
}

// Name implements Policy.
func (p TargetTracking) Name() string { return p.PolicyName }

// MetricName implements Policy.
func (p TargetTracking) MetricName() string { return p.Metric }

func (p TargetTracking) isSimple() bool { return false }

func (p TargetTracking) prepared(d Defaults, timescale float64, metricPeriod time.Duration) Policy {
	if p.Period == 0 {
		p.Period = metricPeriod
	} else {
		p.Period = scaleDuration(p.Period, timescale)
	}
	if p.ScaleOutDatapoints == 0 {
		p.ScaleOutDatapoints = d.ScaleOutDatapoints
	}
	if p.ScaleInDatapoints == 0 {
		p.ScaleInDatapoints = d.ScaleInDatapoints
	}
	if p.ScaleInThresholdRatio == 0 {
		p.ScaleInThresholdRatio = d.ScaleInThresholdRatio
	}
	return p
}

// Validate reports the first invalid field.
func (p TargetTracking) Validate() error {
	name := p.PolicyName
	switch {
	case p.Metric == "":
		return fmt.Errorf("autoscale: target tracking %q: Metric: must name a metric (e.g. CPUUtilization)", name)
	case !(p.TargetValue > 0) || math.IsInf(p.TargetValue, 0):
		return fmt.Errorf("autoscale: target tracking %q: TargetValue: must be a number > 0, got %v", name, p.TargetValue)
	case p.Period < 0:
		return fmt.Errorf("autoscale: target tracking %q: Period: must be ≥ 0, got %v", name, p.Period)
	case p.ScaleOutDatapoints < 0:
		return fmt.Errorf("autoscale: target tracking %q: ScaleOutDatapoints: must be ≥ 1, got %d", name, p.ScaleOutDatapoints)
	case p.ScaleInDatapoints < 0:
		return fmt.Errorf("autoscale: target tracking %q: ScaleInDatapoints: must be ≥ 1, got %d", name, p.ScaleInDatapoints)
	case p.ScaleInThresholdRatio < 0 || p.ScaleInThresholdRatio > 1:
		return fmt.Errorf("autoscale: target tracking %q: ScaleInThresholdRatio: must be in (0, 1], got %v", name, p.ScaleInThresholdRatio)
	}
	return nil
}

// Alarms returns AlarmHigh and AlarmLow, in that order.
func (p TargetTracking) Alarms() []AlarmConfig {
	return []AlarmConfig{
		{Name: p.PolicyName + "-AlarmHigh", Statistic: p.Statistic, Period: p.Period, Comparison: GreaterThanThreshold,
			Threshold: p.TargetValue, EvaluationPeriods: p.ScaleOutDatapoints, DatapointsToAlarm: p.ScaleOutDatapoints},
		{Name: p.PolicyName + "-AlarmLow", Statistic: p.Statistic, Period: p.Period, Comparison: LessThanThreshold,
			Threshold: p.TargetValue * p.ScaleInThresholdRatio, EvaluationPeriods: p.ScaleInDatapoints, DatapointsToAlarm: p.ScaleInDatapoints},
	}
}

// Reasons target tracking gives.
const (
	ReasonNoData          = "no data"
	ReasonScaleOut        = "metric above target"
	ReasonScaleIn         = "metric below target"
	ReasonCovered         = "warming capacity already covers the need"
	ReasonWarmingBlocksIn = "scale-in blocked: instances warming up"
	ReasonScaleInDisabled = "scale-in disabled"
	ReasonNoAlarm         = "no alarm"
)

// Decide computes the capacity that brings the metric to the target:
// ⌈capacity × Value / TargetValue⌉, where capacity is the one behind the datapoint
// (MetricSources, else InService): the metric is an average over it, so the product is the
// load. Using the datapoint's own capacity, not today's, keeps a datapoint measured before
// a scale-out from being applied to the larger group a second time. The result is
// acted on only when AlarmHigh (out) or AlarmLow (in) is in ALARM. On scale-out, warming
// instances already count: the result is never below Desired, so repeated breaches while
// new instances warm up do not stack.
func (p TargetTracking) Decide(in Input) Decision {
	d := Decision{Desired: in.Desired, VetoScaleIn: true}
	if !in.HasValue || in.InService == 0 {
		d.Reason = ReasonNoData
		return d
	}
	capacity := in.MetricSources
	if capacity <= 0 {
		capacity = float64(in.InService)
	}
	want := ceilCapacity(capacity * in.Value / p.TargetValue)
	switch {
	case in.Alarms[0] == Alarm:
		if want > in.Desired {
			d.Desired, d.Reason = want, ReasonScaleOut
		} else {
			d.Reason = ReasonCovered
		}
	case in.Alarms[1] == Alarm:
		switch {
		case p.DisableScaleIn:
			d.Reason = ReasonScaleInDisabled
		case in.Warming > 0:
			d.Reason = ReasonWarmingBlocksIn
		default:
			d.VetoScaleIn = false
			if want < 1 {
				want = 1 // an empty group would report no metric to scale out on again
			}
			if want < in.Desired {
				d.Desired, d.Reason = want, ReasonScaleIn
			}
		}
	default:
		d.Reason = ReasonNoAlarm
	}
	return d
}
