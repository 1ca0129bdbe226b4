package asg

import (
	"fmt"
	"slices"
	"time"

	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/platform/lb/frontdoor"
	"gopkg.in/yaml.v3"
)

// Config is the asg section of a scenario platform. The zero value is valid: a t3.small
// group of 1 to 4 instances tracking 50 % average CPU behind an ALB with AWS defaults.
type Config struct {
	// LaunchTemplate holds instance_type, vcpu, memory_mib, purchase, credit_mode,
	// pending_delay and boot_delay.
	fleet.LaunchTemplate `yaml:",inline"`
	// Min, Max and Desired capacity; Desired defaults to Min. Scaling is clamped to
	// [Min, Max].
	Min     int `yaml:"min,omitempty" json:"min"`
	Max     int `yaml:"max,omitempty" json:"max"`
	Desired int `yaml:"desired,omitempty" json:"desired,omitempty"`
	// HealthCheckType is EC2 (replace instances that are gone) or ELB (also replace those
	// the load balancer finds unhealthy).
	HealthCheckType string `yaml:"health_check_type,omitempty" json:"health_check_type"`
	// HealthCheckGracePeriod delays ELB health replacement after launch (default 300 s).
	HealthCheckGracePeriod time.Duration `yaml:"health_check_grace_period,omitempty" json:"health_check_grace_period"`
	// DefaultInstanceWarmup keeps new instances out of the metrics and blocks scale-in
	// while they warm up (default unset = 0).
	DefaultInstanceWarmup time.Duration `yaml:"default_instance_warmup,omitempty" json:"default_instance_warmup"`
	// Monitoring is basic (5-min), detailed (1-min, default) or high_resolution (10 s):
	// the period of the metrics the policies see.
	Monitoring string `yaml:"monitoring,omitempty" json:"monitoring"`
	// Policies are the scaling policies; empty means one target tracking policy on CPU
	// at 50 %. Use [] with disable_scaling to run a fixed group.
	Policies []PolicyConfig `yaml:"policies,omitempty" json:"policies"`
	// DisableScaling runs no policy: the group holds Desired (and still replaces failed
	// instances).
	DisableScaling bool `yaml:"disable_scaling,omitempty" json:"disable_scaling,omitempty"`
	// LoadBalancer configures the ALB target group (algorithm, health checks,
	// deregistration delay); its timescale defaults to the group's.
	LoadBalancer lb.Config `yaml:"load_balancer,omitempty" json:"load_balancer"`
	// FrontDoor configures the live proxy (listen address, idle, target and connect
	// timeouts, which are never compressed).
	FrontDoor frontdoor.Config `yaml:"front_door,omitempty" json:"front_door"`
	// Timescale divides control-plane delays (launch, boot, periods, alarms, cooldowns,
	// warm-up, grace, health checks, deregistration); 0 means 1. The runner copies the
	// scenario's timescale here unless the platform sets its own.
	Timescale float64 `yaml:"timescale,omitempty" json:"timescale"`
	// SampleInterval is the CPU sampling period (default: 1 s, or a third of the metric
	// period when compression makes that shorter). It is not compressed.
	SampleInterval time.Duration `yaml:"sample_interval,omitempty" json:"sample_interval,omitempty"`
	// StopGrace is how long apps get to exit after SIGTERM when the group stops (5 s).
	StopGrace time.Duration `yaml:"stop_grace,omitempty" json:"stop_grace,omitempty"`
}

// WithDefaults returns c with every unset field filled.
func (c Config) WithDefaults() Config {
	c.LaunchTemplate = c.LaunchTemplate.WithDefaults(DefaultInstanceType)
	if c.Min == 0 && c.Max == 0 {
		c.Min, c.Max = DefaultMinSize, DefaultMaxSize
	}
	if c.Max == 0 {
		c.Max = max(c.Min, DefaultMaxSize)
	}
	if c.Desired == 0 {
		c.Desired = c.Min
	}
	if c.HealthCheckType == "" {
		c.HealthCheckType = DefaultHealthCheckType
	}
	if c.HealthCheckGracePeriod == 0 {
		c.HealthCheckGracePeriod = DefaultHealthCheckGracePeriod
	}
	if c.Monitoring == "" {
		c.Monitoring = DefaultMonitoring
	}
	if len(c.Policies) == 0 && !c.DisableScaling {
		c.Policies = []PolicyConfig{{Type: PolicyTargetTracking, Metric: MetricCPU, Target: DefaultTargetCPU}}
	}
	// A copy: c is a value, but its slice would still share the caller's array.
	c.Policies = slices.Clone(c.Policies)
	for i := range c.Policies {
		c.Policies[i] = c.Policies[i].withDefaults(i)
	}
	if c.Timescale == 0 {
		c.Timescale = 1
	}
	if c.LoadBalancer.Timescale == 0 {
		c.LoadBalancer.Timescale = c.Timescale
	}
	c.LoadBalancer = c.LoadBalancer.WithDefaults()
	c.FrontDoor = c.FrontDoor.WithDefaults()
	if c.SampleInterval == 0 {
		c.SampleInterval = max(MinSampleInterval, min(MaxSampleInterval, fleet.Scale(c.MetricPeriod(), c.Timescale)/3))
	}
	if c.StopGrace == 0 {
		c.StopGrace = fleet.DefaultStopGrace
	}
	return c
}

// MetricPeriod is the uncompressed period of the group's metrics, from Monitoring.
func (c Config) MetricPeriod() time.Duration {
	d := autoscale.AWSDefaults()
	switch c.Monitoring {
	case MonitoringBasic:
		return d.BasicMetricPeriod
	case MonitoringHighResolution:
		return d.HighResolutionPeriod
	default:
		return d.MetricPeriod
	}
}

// Validate reports the first invalid field, after defaults, naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := c.LaunchTemplate.Validate("asg"); err != nil {
		return err
	}
	switch {
	case c.Min < 0:
		return fmt.Errorf("asg.min: %d must be ≥ 0", c.Min)
	case c.Max < c.Min:
		return fmt.Errorf("asg.max: %d must be ≥ min (%d)", c.Max, c.Min)
	case c.Max > 100:
		return fmt.Errorf("asg.max: %d instances do not fit one machine (use at most 100, or the simulator)", c.Max)
	case c.Desired < c.Min || c.Desired > c.Max:
		return fmt.Errorf("asg.desired: %d must be within min %d and max %d", c.Desired, c.Min, c.Max)
	case c.HealthCheckType != HealthCheckEC2 && c.HealthCheckType != HealthCheckELB:
		return fmt.Errorf("asg.health_check_type: %q is not a health check type (use EC2 or ELB)", c.HealthCheckType)
	case c.HealthCheckGracePeriod < 0:
		return fmt.Errorf("asg.health_check_grace_period: %v must not be negative", c.HealthCheckGracePeriod)
	case c.DefaultInstanceWarmup < 0 || c.DefaultInstanceWarmup > time.Hour:
		return fmt.Errorf("asg.default_instance_warmup: %v must be within 0s and 1h", c.DefaultInstanceWarmup)
	case c.Monitoring != MonitoringBasic && c.Monitoring != MonitoringDetailed && c.Monitoring != MonitoringHighResolution:
		return fmt.Errorf("asg.monitoring: %q is not a monitoring level (use basic, detailed or high_resolution)", c.Monitoring)
	case !(c.Timescale > 0) || c.Timescale > 1e6:
		return fmt.Errorf("asg.timescale: %v must be in (0, 1e6] (1 = real time, 60 = a platform minute per second)", c.Timescale)
	case c.SampleInterval <= 0:
		return fmt.Errorf("asg.sample_interval: %v must be > 0", c.SampleInterval)
	case c.StopGrace < 0:
		return fmt.Errorf("asg.stop_grace: %v must not be negative", c.StopGrace)
	}
	for i, p := range c.Policies {
		if err := p.validate(fmt.Sprintf("asg.policies[%d]", i), c.MetricPeriod()); err != nil {
			return err
		}
	}
	if err := c.LoadBalancer.Validate(); err != nil {
		return fmt.Errorf("asg.load_balancer: %w", err)
	}
	if err := c.FrontDoor.Validate(); err != nil {
		return fmt.Errorf("asg.front_door: %w", err)
	}
	return nil
}

// DecodeConfig decodes a scenario's settings node strictly (unknown keys are errors),
// applies defaults and validates. A nil or empty node gives the defaults. timescale is
// the scenario's, used unless the section sets its own (0 means 1).
func DecodeConfig(n *yaml.Node, timescale float64) (Config, error) {
	var c Config
	if err := fleet.DecodeStrict(n, &c); err != nil {
		return c, fmt.Errorf("asg: %w", err)
	}
	if c.Timescale == 0 {
		c.Timescale = timescale
	}
	c = c.WithDefaults()
	return c, c.Validate()
}
