package ecs

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/platform/lb/frontdoor"
	"gopkg.in/yaml.v3"
)

// ServiceConfig is the part of a scenario's ecs-ec2, fargate and ecs-mi sections that
// describes the service: its task, its count and scaling, its load balancer and time
// compression. Platform configs embed it inline. The zero value is valid.
type ServiceConfig struct {
	// CPU is the task's CPU reservation in vCPU (ECS CPU units / 1024), MemoryGB its
	// memory. Defaults 1 vCPU and 2 GB.
	CPU      float64 `yaml:"cpu,omitempty" json:"cpu"`
	MemoryGB float64 `yaml:"memory_gb,omitempty" json:"memory_gb"`
	// ImageSizeMB is the compressed image size pulled at task start (default 413 MB);
	// PullThroughputMBps the pull throughput (default 12 MB/s).
	ImageSizeMB        float64 `yaml:"image_size_mb,omitempty" json:"image_size_mb"`
	PullThroughputMBps float64 `yaml:"pull_throughput_mbps,omitempty" json:"pull_throughput_mbps"`
	// Desired, Min and Max are task counts; Desired defaults to Min, scaling is clamped
	// to [Min, Max].
	Desired int `yaml:"desired,omitempty" json:"desired"`
	Min     int `yaml:"min,omitempty" json:"min"`
	Max     int `yaml:"max,omitempty" json:"max"`
	// Policies are the service auto scaling policies; empty means target tracking on CPU
	// at 50 %. DisableScaling holds Desired (failed tasks are still replaced).
	Policies       []PolicyConfig `yaml:"policies,omitempty" json:"policies"`
	DisableScaling bool           `yaml:"disable_scaling,omitempty" json:"disable_scaling,omitempty"`
	// ScaleInCooldown and ScaleOutCooldown are Application Auto Scaling's cooldowns
	// (default 300 s each).
	ScaleInCooldown  time.Duration `yaml:"scale_in_cooldown,omitempty" json:"scale_in_cooldown"`
	ScaleOutCooldown time.Duration `yaml:"scale_out_cooldown,omitempty" json:"scale_out_cooldown"`
	// Monitoring is detailed (1-minute service metrics, default) or high_resolution (10 s).
	Monitoring string `yaml:"monitoring,omitempty" json:"monitoring"`
	// HealthCheckGracePeriod ignores failed ELB health checks of a new task this long.
	HealthCheckGracePeriod time.Duration `yaml:"health_check_grace_period,omitempty" json:"health_check_grace_period"`
	// LoadBalancer is the ALB target group; its timescale defaults to the platform's.
	LoadBalancer lb.Config `yaml:"load_balancer,omitempty" json:"load_balancer"`
	// FrontDoor is the live proxy (timeouts are never compressed).
	FrontDoor frontdoor.Config `yaml:"front_door,omitempty" json:"front_door"`
	// Timescale divides control-plane delays (provisioning, pulls, instance launches,
	// metric periods, alarms, cooldowns, warm-ups, health checks, deregistration); 0 means
	// the scenario's, or 1.
	Timescale float64 `yaml:"timescale,omitempty" json:"timescale"`
	// SampleInterval is the CPU sampling period (default 1 s, or a third of the compressed
	// metric period when that is shorter); not compressed.
	SampleInterval time.Duration `yaml:"sample_interval,omitempty" json:"sample_interval,omitempty"`
	// StopGrace is how long a task's app gets after SIGTERM (default 5 s).
	StopGrace time.Duration `yaml:"stop_grace,omitempty" json:"stop_grace,omitempty"`
}

// WithDefaults returns c with every unset field filled.
func (c ServiceConfig) WithDefaults() ServiceConfig {
	if c.CPU == 0 && c.MemoryGB == 0 {
		c.CPU, c.MemoryGB = DefaultTaskCPU, DefaultTaskMemoryGB
	}
	if c.CPU == 0 {
		c.CPU = DefaultTaskCPU
	}
	if c.MemoryGB == 0 {
		c.MemoryGB = max(DefaultTaskMemoryGB, 2*c.CPU)
	}
	if c.ImageSizeMB == 0 {
		c.ImageSizeMB = DefaultImageSizeMB
	}
	if c.PullThroughputMBps == 0 {
		c.PullThroughputMBps = DefaultPullThroughputMBps
	}
	if c.Min == 0 && c.Max == 0 {
		c.Min, c.Max = DefaultMinTasks, DefaultMaxTasks
	}
	if c.Max == 0 {
		c.Max = max(c.Min, DefaultMaxTasks)
	}
	if c.Desired == 0 {
		c.Desired = c.Min
	}
	if len(c.Policies) == 0 && !c.DisableScaling {
		c.Policies = []PolicyConfig{{Metric: MetricCPU, Target: DefaultTargetCPU}}
	}
	// A copy: c is a value, but its slice would still share the caller's array.
	c.Policies = slices.Clone(c.Policies)
	for i := range c.Policies {
		c.Policies[i] = c.Policies[i].withDefaults(i)
	}
	d := autoscale.AWSDefaults()
	if c.ScaleInCooldown == 0 {
		c.ScaleInCooldown = d.ServiceScaleInCooldown
	}
	if c.ScaleOutCooldown == 0 {
		c.ScaleOutCooldown = d.ServiceScaleOutCooldown
	}
	if c.Monitoring == "" {
		c.Monitoring = MonitoringDetailed
	}
	if c.HealthCheckGracePeriod == 0 {
		c.HealthCheckGracePeriod = DefaultHealthCheckGracePeriod
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
		c.StopGrace = DefaultStopGrace
	}
	return c
}

// MetricPeriod is the uncompressed period of the service's metrics.
func (c ServiceConfig) MetricPeriod() time.Duration {
	if c.Monitoring == MonitoringHighResolution {
		return autoscale.AWSDefaults().HighResolutionPeriod
	}
	return autoscale.AWSDefaults().MetricPeriod
}

// TaskMemoryMiB is the task memory in MiB (GB here are GiB, as ECS task sizes are).
func (c ServiceConfig) TaskMemoryMiB() int { return int(c.MemoryGB*1024 + 0.5) }

// PullDuration is the uncompressed image pull time.
func (c ServiceConfig) PullDuration() time.Duration {
	return PullDuration(c.ImageSizeMB, c.PullThroughputMBps)
}

// Validate reports the first invalid field, after defaults, prefixed with the section
// name (e.g. "fargate").
func (c ServiceConfig) Validate(section string) error {
	c = c.WithDefaults()
	switch {
	case !(c.CPU > 0) || c.CPU > 192:
		return fmt.Errorf("%s.cpu: %v vCPU must be in (0, 192] (ECS CPU units / 1024, e.g. 0.5)", section, c.CPU)
	case !(c.MemoryGB > 0) || c.MemoryGB > 1024:
		return fmt.Errorf("%s.memory_gb: %v must be in (0, 1024]", section, c.MemoryGB)
	case c.ImageSizeMB < 0:
		return fmt.Errorf("%s.image_size_mb: %v must not be negative", section, c.ImageSizeMB)
	case !(c.PullThroughputMBps > 0):
		return fmt.Errorf("%s.pull_throughput_mbps: %v must be > 0", section, c.PullThroughputMBps)
	case c.Min < 0:
		return fmt.Errorf("%s.min: %d must be ≥ 0", section, c.Min)
	case c.Max < c.Min:
		return fmt.Errorf("%s.max: %d must be ≥ min (%d)", section, c.Max, c.Min)
	case c.Max > 100:
		return fmt.Errorf("%s.max: %d tasks do not fit one machine (use at most 100, or the simulator)", section, c.Max)
	case c.Desired < c.Min || c.Desired > c.Max:
		return fmt.Errorf("%s.desired: %d must be within min %d and max %d", section, c.Desired, c.Min, c.Max)
	case c.ScaleInCooldown < 0 || c.ScaleOutCooldown < 0:
		return fmt.Errorf("%s.scale_in_cooldown/scale_out_cooldown: must not be negative", section)
	case c.Monitoring != MonitoringDetailed && c.Monitoring != MonitoringHighResolution:
		return fmt.Errorf("%s.monitoring: %q is not a monitoring level (use detailed or high_resolution)", section, c.Monitoring)
	case c.HealthCheckGracePeriod < 0:
		return fmt.Errorf("%s.health_check_grace_period: %v must not be negative", section, c.HealthCheckGracePeriod)
	case !(c.Timescale > 0) || c.Timescale > 1e6:
		return fmt.Errorf("%s.timescale: %v must be in (0, 1e6] (1 = real time, 60 = a platform minute per second)", section, c.Timescale)
	case c.SampleInterval <= 0:
		return fmt.Errorf("%s.sample_interval: %v must be > 0", section, c.SampleInterval)
	case c.StopGrace < 0:
		return fmt.Errorf("%s.stop_grace: %v must not be negative", section, c.StopGrace)
	}
	for i, p := range c.Policies {
		if err := p.validate(fmt.Sprintf("%s.policies[%d]", section, i), c.MetricPeriod()); err != nil {
			return err
		}
	}
	if err := c.LoadBalancer.Validate(); err != nil {
		return fmt.Errorf("%s.load_balancer: %w", section, err)
	}
	if err := c.FrontDoor.Validate(); err != nil {
		return fmt.Errorf("%s.front_door: %w", section, err)
	}
	return nil
}

// DecodeStrict decodes a scenario node into out, rejecting unknown keys, with the error
// on one line. A nil or empty node leaves out unchanged.
func DecodeStrict(n *yaml.Node, out any) error {
	if n == nil || n.Kind == 0 {
		return nil
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%s", bytes.Join(bytes.Fields([]byte(err.Error())), []byte(" ")))
	}
	return nil
}
