package asg

import (
	"fmt"
	"math"
	"time"

	"github.com/deploybench/deploybench/platform/autoscale"
)

// Policy types.
const (
	PolicyTargetTracking = "target_tracking"
	PolicyStep           = "step"
	PolicySimple         = "simple"
)

// PolicyConfig is one scaling policy as a scenario writes it; Policy turns it into the
// autoscale package's policy. Fields not used by the policy's type must stay unset.
type PolicyConfig struct {
	// Name labels the policy in events (default "<type>-<index>").
	Name string `yaml:"name,omitempty" json:"name"`
	// Type is target_tracking, step or simple.
	Type string `yaml:"type" json:"type"`
	// Metric is cpu (average CPUUtilization) or request_count_per_target.
	Metric string `yaml:"metric,omitempty" json:"metric"`
	// Period is the datapoint length (a multiple of the monitoring period; default the
	// monitoring period).
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`

	// Target is the target tracking value (e.g. 50 for 50 % CPU).
	Target float64 `yaml:"target,omitempty" json:"target,omitempty"`
	// DisableScaleIn stops a target tracking policy from scaling in.
	DisableScaleIn bool `yaml:"disable_scale_in,omitempty" json:"disable_scale_in,omitempty"`

	// Threshold, Comparison (>, >=, <, <=), EvaluationPeriods and DatapointsToAlarm define
	// the alarm of a step or simple policy.
	Threshold         float64 `yaml:"threshold,omitempty" json:"threshold,omitempty"`
	Comparison        string  `yaml:"comparison,omitempty" json:"comparison,omitempty"`
	EvaluationPeriods int     `yaml:"evaluation_periods,omitempty" json:"evaluation_periods,omitempty"`
	DatapointsToAlarm int     `yaml:"datapoints_to_alarm,omitempty" json:"datapoints_to_alarm,omitempty"`
	// AdjustmentType is change_in_capacity (default), exact_capacity or
	// percent_change_in_capacity; MinAdjustmentMagnitude applies to the last.
	AdjustmentType         string `yaml:"adjustment_type,omitempty" json:"adjustment_type,omitempty"`
	MinAdjustmentMagnitude int    `yaml:"min_adjustment_magnitude,omitempty" json:"min_adjustment_magnitude,omitempty"`
	// Adjustment is a simple policy's change.
	Adjustment int `yaml:"adjustment,omitempty" json:"adjustment,omitempty"`
	// Cooldown follows a simple policy's change (default 300 s).
	Cooldown time.Duration `yaml:"cooldown,omitempty" json:"cooldown,omitempty"`
	// Steps are a step policy's adjustments, bounds relative to the threshold.
	Steps []Step `yaml:"steps,omitempty" json:"steps,omitempty"`
}

// Step is one step adjustment; a missing bound is open (−∞ or +∞).
type Step struct {
	Lower      *float64 `yaml:"lower,omitempty" json:"lower,omitempty"`
	Upper      *float64 `yaml:"upper,omitempty" json:"upper,omitempty"`
	Adjustment int      `yaml:"adjustment" json:"adjustment"`
}

func (p PolicyConfig) withDefaults(i int) PolicyConfig {
	if p.Metric == "" {
		p.Metric = MetricCPU
	}
	if p.Name == "" {
		p.Name = fmt.Sprintf("%s-%d", p.Type, i)
	}
	if p.AdjustmentType == "" {
		p.AdjustmentType = "change_in_capacity"
	}
	if p.Comparison == "" && p.Type != PolicyTargetTracking {
		p.Comparison = ">="
	}
	return p
}

var comparisons = map[string]autoscale.Comparison{
	">": autoscale.GreaterThanThreshold, ">=": autoscale.GreaterThanOrEqualToThreshold,
	"<": autoscale.LessThanThreshold, "<=": autoscale.LessThanOrEqualToThreshold,
}

var adjustmentTypes = map[string]autoscale.AdjustmentType{
	"change_in_capacity": autoscale.ChangeInCapacity, "exact_capacity": autoscale.ExactCapacity,
	"percent_change_in_capacity": autoscale.PercentChangeInCapacity,
}

// metricName maps the scenario's metric names to the metrics the group publishes.
func metricName(m string) string {
	if m == MetricRequestCountPerTarget {
		return "ALBRequestCountPerTarget"
	}
	return "CPUUtilization"
}

func (p PolicyConfig) validate(path string, metricPeriod time.Duration) error {
	switch {
	case p.Metric != MetricCPU && p.Metric != MetricRequestCountPerTarget:
		return fmt.Errorf("%s.metric: %q is not a metric (use cpu or request_count_per_target)", path, p.Metric)
	case p.Period < 0 || p.Period%metricPeriod != 0:
		return fmt.Errorf("%s.period: %v must be a multiple of the monitoring period %v (set monitoring: high_resolution for 10s)", path, p.Period, metricPeriod)
	}
	if _, ok := adjustmentTypes[p.AdjustmentType]; !ok {
		return fmt.Errorf("%s.adjustment_type: %q is not known (use change_in_capacity, exact_capacity or percent_change_in_capacity)", path, p.AdjustmentType)
	}
	switch p.Type {
	case PolicyTargetTracking:
		if !(p.Target > 0) || math.IsInf(p.Target, 0) {
			return fmt.Errorf("%s.target: %v must be > 0 (e.g. 50 for 50 %% CPU)", path, p.Target)
		}
	case PolicyStep, PolicySimple:
		if _, ok := comparisons[p.Comparison]; !ok {
			return fmt.Errorf("%s.comparison: %q is not known (use >, >=, < or <=)", path, p.Comparison)
		}
		if p.Type == PolicyStep && len(p.Steps) == 0 {
			return fmt.Errorf("%s.steps: a step policy needs at least one step", path)
		}
		if p.Type == PolicySimple && p.Adjustment == 0 && p.AdjustmentType != "exact_capacity" {
			return fmt.Errorf("%s.adjustment: must not be 0", path)
		}
	default:
		return fmt.Errorf("%s.type: %q is not a policy type (use target_tracking, step or simple)", path, p.Type)
	}
	if err := p.Policy().Validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Policy converts the configuration (defaults applied) to an autoscale policy with
// uncompressed durations; the Controller compresses them.
func (p PolicyConfig) Policy() autoscale.Policy {
	metric := metricName(p.Metric)
	stat := autoscale.Average
	if p.Metric == MetricRequestCountPerTarget {
		stat = autoscale.SumPerSource
	}
	alarm := autoscale.AlarmConfig{
		Name: p.Name, Statistic: stat, Period: p.Period, Comparison: comparisons[p.Comparison],
		Threshold: p.Threshold, EvaluationPeriods: p.EvaluationPeriods, DatapointsToAlarm: p.DatapointsToAlarm,
	}
	switch p.Type {
	case PolicyStep:
		steps := make([]autoscale.StepAdjustment, len(p.Steps))
		for i, s := range p.Steps {
			steps[i] = autoscale.StepAdjustment{LowerBound: math.Inf(-1), UpperBound: math.Inf(1), Adjustment: s.Adjustment}
			if s.Lower != nil {
				steps[i].LowerBound = *s.Lower
			}
			if s.Upper != nil {
				steps[i].UpperBound = *s.Upper
			}
		}
		return autoscale.StepScaling{PolicyName: p.Name, Metric: metric, Alarm: alarm,
			AdjustmentType: adjustmentTypes[p.AdjustmentType], Steps: steps, MinAdjustmentMagnitude: p.MinAdjustmentMagnitude}
	case PolicySimple:
		return autoscale.SimpleScaling{PolicyName: p.Name, Metric: metric, Alarm: alarm,
			AdjustmentType: adjustmentTypes[p.AdjustmentType], Adjustment: p.Adjustment,
			MinAdjustmentMagnitude: p.MinAdjustmentMagnitude, Cooldown: p.Cooldown}
	default:
		return autoscale.TargetTracking{PolicyName: p.Name, Metric: metric, Statistic: stat, TargetValue: p.Target,
			Period: p.Period, DisableScaleIn: p.DisableScaleIn}
	}
}
