package ecsec2

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecs/cluster"
	"github.com/deploybench/deploybench/platform/fleet"
	"gopkg.in/yaml.v3"
)

// Instances bounds the container instances (the Auto Scaling group's min and max).
type Instances struct {
	Min int `yaml:"min,omitempty" json:"min"`
	Max int `yaml:"max,omitempty" json:"max"`
}

// Config is the ecs-ec2 section of a scenario platform. The zero value is valid: a
// 1 vCPU / 2 GB task, 1 to 4 tasks tracking 50 % CPU, binpacked on 1 to 4 m5.large.
type Config struct {
	// ServiceConfig holds cpu, memory_gb, image_size_mb, desired/min/max tasks, policies
	// and the rest of the service (see ecs.ServiceConfig).
	ecs.ServiceConfig `yaml:",inline"`
	// LaunchTemplate holds instance_type, vcpu, memory_mib, purchase, credit_mode,
	// pending_delay and boot_delay of the container instances.
	fleet.LaunchTemplate `yaml:",inline"`
	// Instances is the group's min and max (default 1 and 4).
	Instances Instances `yaml:"instances,omitempty" json:"instances"`
	// Placement is binpack (default) or spread.
	Placement string `yaml:"placement,omitempty" json:"placement"`
	// TargetCapacity is managed scaling's targetCapacity in percent (default 100).
	TargetCapacity float64 `yaml:"target_capacity,omitempty" json:"target_capacity"`
	// InstanceWarmup is managed scaling's instanceWarmupPeriod (default 300 s).
	InstanceWarmup time.Duration `yaml:"instance_warmup,omitempty" json:"instance_warmup"`
	// MinimumScalingStepSize and MaximumScalingStepSize bound one scaling action
	// (defaults 1 and 10,000).
	MinimumScalingStepSize int `yaml:"minimum_scaling_step_size,omitempty" json:"minimum_scaling_step_size"`
	MaximumScalingStepSize int `yaml:"maximum_scaling_step_size,omitempty" json:"maximum_scaling_step_size"`
	// ReservedMemoryMiB is instance memory not registered for tasks (default 6 %).
	ReservedMemoryMiB int `yaml:"reserved_memory_mib,omitempty" json:"reserved_memory_mib"`
	// ReservationMetricDelay is how late CapacityProviderReservation reaches the alarms
	// (default 1 min).
	ReservationMetricDelay time.Duration `yaml:"reservation_metric_delay,omitempty" json:"reservation_metric_delay"`
}

// WithDefaults returns c with every unset field filled.
func (c Config) WithDefaults() Config {
	c.ServiceConfig = c.ServiceConfig.WithDefaults()
	c.LaunchTemplate = c.LaunchTemplate.WithDefaults(DefaultInstanceType)
	if c.Instances.Min == 0 && c.Instances.Max == 0 {
		c.Instances = Instances{DefaultMinInstances, DefaultMaxInstances}
	}
	if c.Instances.Max == 0 {
		c.Instances.Max = max(c.Instances.Min, DefaultMaxInstances)
	}
	if c.Placement == "" {
		c.Placement = ecs.Binpack
	}
	d := autoscale.AWSDefaults()
	ms := c.managedScaling()
	ms = ms.WithDefaults(d, 1)
	c.TargetCapacity, c.InstanceWarmup = ms.TargetCapacity, ms.InstanceWarmup
	c.MinimumScalingStepSize, c.MaximumScalingStepSize = ms.MinStep, ms.MaxStep
	if c.ReservedMemoryMiB == 0 && c.Spec().MemoryMiB > 0 {
		c.ReservedMemoryMiB = int(float64(c.Spec().MemoryMiB)*ecs.DefaultReservedMemoryFraction + 0.5)
	}
	if c.ReservationMetricDelay == 0 {
		c.ReservationMetricDelay = DefaultReservationMetricDelay
	}
	return c
}

func (c Config) managedScaling() autoscale.ManagedScaling {
	return autoscale.ManagedScaling{TargetCapacity: c.TargetCapacity, MinStep: c.MinimumScalingStepSize,
		MaxStep: c.MaximumScalingStepSize, InstanceWarmup: c.InstanceWarmup}
}

// Validate reports the first invalid field, after defaults, naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := c.ServiceConfig.Validate("ecs-ec2"); err != nil {
		return err
	}
	if err := c.LaunchTemplate.Validate("ecs-ec2"); err != nil {
		return err
	}
	switch {
	case c.Instances.Min < 0:
		return fmt.Errorf("ecs-ec2.instances.min: %d must be ≥ 0", c.Instances.Min)
	case c.Instances.Max < max(c.Instances.Min, 1):
		return fmt.Errorf("ecs-ec2.instances.max: %d must be ≥ 1 and ≥ instances.min (%d)", c.Instances.Max, c.Instances.Min)
	case c.Instances.Max > 100:
		return fmt.Errorf("ecs-ec2.instances.max: %d is more than a local run needs (use at most 100, or the simulator)", c.Instances.Max)
	case !(c.TargetCapacity > 0 && c.TargetCapacity <= 100):
		return fmt.Errorf("ecs-ec2.target_capacity: %v must be in (0, 100] percent", c.TargetCapacity)
	case c.MinimumScalingStepSize < 1 || c.MinimumScalingStepSize > 10000:
		return fmt.Errorf("ecs-ec2.minimum_scaling_step_size: %d must be in [1, 10000]", c.MinimumScalingStepSize)
	case c.MaximumScalingStepSize < c.MinimumScalingStepSize || c.MaximumScalingStepSize > 10000:
		return fmt.Errorf("ecs-ec2.maximum_scaling_step_size: %d must be in [minimum_scaling_step_size, 10000]", c.MaximumScalingStepSize)
	case c.InstanceWarmup < 0 || c.InstanceWarmup > 10000*time.Second:
		return fmt.Errorf("ecs-ec2.instance_warmup: %v must be within 0s and 10000s", c.InstanceWarmup)
	case c.ReservedMemoryMiB < 0:
		return fmt.Errorf("ecs-ec2.reserved_memory_mib: %d must not be negative", c.ReservedMemoryMiB)
	case c.ReservationMetricDelay < 0:
		return fmt.Errorf("ecs-ec2.reservation_metric_delay: %v must not be negative", c.ReservationMetricDelay)
	}
	if err := ecs.ValidStrategy("ecs-ec2.placement", c.Placement); err != nil {
		return err
	}
	spec := c.Spec()
	if cluster.TasksPerInstance(spec.VCPU, spec.MemoryMiB-c.ReservedMemoryMiB, c.CPU, c.TaskMemoryMiB()) < 1 {
		return fmt.Errorf("ecs-ec2.instance_type: %s registers %g vCPU / %d MiB for tasks; a %g vCPU / %g GB task does not fit (use a larger type or a smaller task)",
			spec.Name, spec.VCPU, spec.MemoryMiB-c.ReservedMemoryMiB, c.CPU, c.MemoryGB)
	}
	return nil
}

// DecodeConfig decodes a scenario's settings node strictly (unknown keys are errors),
// applies defaults and validates. timescale is the scenario's, used unless the section
// sets its own (0 means 1).
func DecodeConfig(n *yaml.Node, timescale float64) (Config, error) {
	var c Config
	if err := ecs.DecodeStrict(n, &c); err != nil {
		return c, fmt.Errorf("ecs-ec2: %w", err)
	}
	if c.Timescale == 0 {
		c.Timescale = timescale
	}
	c = c.WithDefaults()
	return c, c.Validate()
}
