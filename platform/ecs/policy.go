package ecs

import (
	"fmt"
	"math"
	"time"

	"github.com/deploybench/deploybench/platform/autoscale"
)

// PolicyTargetTracking is the one policy type ECS service auto scaling models here.
const PolicyTargetTracking = "target_tracking"

// PolicyConfig is one ECS service auto scaling policy as a scenario writes it: target
// tracking on ECSServiceAverageCPUUtilization (metric: cpu) or ALBRequestCountPerTarget
// (metric: request_count_per_target). Cooldowns are the service's (ServiceConfig).
type PolicyConfig struct {
	// Name labels the policy in events (default "<type>-<index>").
	Name string `yaml:"name,omitempty" json:"name"`
	// Type is target_tracking (the default).
	Type string `yaml:"type,omitempty" json:"type"`
	// Metric is cpu (default) or request_count_per_target.
	Metric string `yaml:"metric,omitempty" json:"metric"`
	// Target is the value to track, e.g. 50 for 50 % CPU or 100 requests per task.
	Target float64 `yaml:"target" json:"target"`
	// Period is the datapoint length (a multiple of the monitoring period; default it).
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
	// DisableScaleIn leaves scale-in to other policies.
	DisableScaleIn bool `yaml:"disable_scale_in,omitempty" json:"disable_scale_in,omitempty"`
}

func (p PolicyConfig) withDefaults(i int) PolicyConfig {
	if p.Type == "" {
		p.Type = PolicyTargetTracking
	}
	if p.Metric == "" {
		p.Metric = MetricCPU
	}
	if p.Name == "" {
		p.Name = fmt.Sprintf("%s-%d", p.Type, i)
	}
	return p
}

func (p PolicyConfig) validate(path string, monitoringPeriod time.Duration) error {
	switch {
	case p.Type != PolicyTargetTracking:
		return fmt.Errorf("%s.type: %q is not modelled for ECS services (use target_tracking)", path, p.Type)
	case p.Metric != MetricCPU && p.Metric != MetricRequestCountPerTarget:
		return fmt.Errorf("%s.metric: %q is not a metric (use cpu or request_count_per_target)", path, p.Metric)
	case !(p.Target > 0) || math.IsInf(p.Target, 0):
		return fmt.Errorf("%s.target: %v must be > 0 (e.g. 50 for 50 %% CPU)", path, p.Target)
	case p.Period < 0 || p.Period%monitoringPeriod != 0:
		return fmt.Errorf("%s.period: %v must be a multiple of the monitoring period %v (set monitoring: high_resolution for 10s)", path, p.Period, monitoringPeriod)
	}
	if err := p.Policy().Validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Metric names the service publishes, as CloudWatch names them.
const (
	cpuMetric = "ECSServiceAverageCPUUtilization"
	reqMetric = "ALBRequestCountPerTarget"
)

// Policy converts the configuration (defaults applied) to an autoscale policy with
// uncompressed durations; the Controller compresses them.
func (p PolicyConfig) Policy() autoscale.Policy {
	tt := autoscale.TargetTracking{PolicyName: p.Name, Metric: cpuMetric, Statistic: autoscale.Average,
		TargetValue: p.Target, Period: p.Period, DisableScaleIn: p.DisableScaleIn}
	if p.Metric == MetricRequestCountPerTarget {
		tt.Metric, tt.Statistic = reqMetric, autoscale.SumPerSource
	}
	return tt
}
