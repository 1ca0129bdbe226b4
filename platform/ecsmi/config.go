package ecsmi

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/ecs"
	"gopkg.in/yaml.v3"
)

// Instances bounds the managed instances.
type Instances struct {
	Min int `yaml:"min,omitempty" json:"min"`
	Max int `yaml:"max,omitempty" json:"max"`
}

// Config is the ecs-mi section of a scenario platform. The zero value is valid: a
// 1 vCPU / 2 GB x86_64 task, 1 to 4 tasks tracking 50 % CPU, on the cheapest matching
// type, 0 to 4 instances.
type Config struct {
	// ServiceConfig holds cpu, memory_gb, image_size_mb, desired/min/max tasks, policies
	// and the rest of the service (see ecs.ServiceConfig).
	ecs.ServiceConfig `yaml:",inline"`
	// Requirements choose the instance type (the cost-optimised default when empty).
	Requirements Requirements `yaml:"requirements,omitempty" json:"requirements"`
	// InstanceType, when set, is used instead of the choice (it must be in the catalog).
	InstanceType string `yaml:"instance_type,omitempty" json:"instance_type,omitempty"`
	// Region prices the choice (default us-east-1).
	Region string `yaml:"region,omitempty" json:"region"`
	// Purchase is on-demand (default) or spot.
	Purchase string `yaml:"purchase,omitempty" json:"purchase"`
	// Instances bounds the instances (default 0 to 4).
	Instances Instances `yaml:"instances,omitempty" json:"instances"`
	// Placement is binpack (default: several tasks per instance) or spread.
	Placement string `yaml:"placement,omitempty" json:"placement"`
	// LaunchDelay is launch → registered (default 60 s; AWS publishes no figure).
	LaunchDelay time.Duration `yaml:"launch_delay,omitempty" json:"launch_delay"`
	// ScaleInAfter terminates instances empty this long (default 300 s; negative: never).
	ScaleInAfter time.Duration `yaml:"scale_in_after,omitempty" json:"scale_in_after"`
	// ReservedMemoryFraction is the memory share not registered for tasks (default 0.06).
	ReservedMemoryFraction float64 `yaml:"reserved_memory_fraction,omitempty" json:"reserved_memory_fraction"`
}

// WithDefaults returns c with every unset field filled.
func (c Config) WithDefaults() Config {
	c.ServiceConfig = c.ServiceConfig.WithDefaults()
	if c.Requirements.Arch == "" {
		c.Requirements.Arch = DefaultArch
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Purchase == "" {
		c.Purchase = DefaultPurchase
	}
	if c.Instances.Min == 0 && c.Instances.Max == 0 {
		c.Instances = Instances{DefaultMinInstances, DefaultMaxInstances}
	}
	if c.Instances.Max == 0 {
		c.Instances.Max = max(c.Instances.Min, DefaultMaxInstances)
	}
	if c.Placement == "" {
		c.Placement = ecs.Binpack
	}
	if c.LaunchDelay == 0 {
		c.LaunchDelay = DefaultLaunchDelay
	}
	if c.ScaleInAfter == 0 {
		c.ScaleInAfter = DefaultScaleInAfter
	}
	if c.ReservedMemoryFraction == 0 {
		c.ReservedMemoryFraction = ecs.DefaultReservedMemoryFraction
	}
	return c
}

// Validate reports the first invalid field, after defaults, naming it. Whether a type
// matches is checked by New against the catalog.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := c.ServiceConfig.Validate("ecs-mi"); err != nil {
		return err
	}
	if _, err := c.Requirements.Filter(); err != nil {
		return err
	}
	switch {
	case c.Purchase != "on-demand" && c.Purchase != "spot":
		return fmt.Errorf("ecs-mi.purchase: %q is not offered for Managed Instances (use on-demand or spot)", c.Purchase)
	case c.Instances.Min < 0:
		return fmt.Errorf("ecs-mi.instances.min: %d must be ≥ 0", c.Instances.Min)
	case c.Instances.Max < max(c.Instances.Min, 1):
		return fmt.Errorf("ecs-mi.instances.max: %d must be ≥ 1 and ≥ instances.min (%d)", c.Instances.Max, c.Instances.Min)
	case c.Instances.Max > 100:
		return fmt.Errorf("ecs-mi.instances.max: %d is more than a local run needs (use at most 100, or the simulator)", c.Instances.Max)
	case c.LaunchDelay < 0:
		return fmt.Errorf("ecs-mi.launch_delay: %v must not be negative", c.LaunchDelay)
	case c.ScaleInAfter > time.Hour:
		return fmt.Errorf("ecs-mi.scale_in_after: %v must be at most 1h (negative disables scale-in)", c.ScaleInAfter)
	case !(c.ReservedMemoryFraction > 0 && c.ReservedMemoryFraction < 1):
		return fmt.Errorf("ecs-mi.reserved_memory_fraction: %v must be in (0, 1)", c.ReservedMemoryFraction)
	}
	return ecs.ValidStrategy("ecs-mi.placement", c.Placement)
}

// DecodeConfig decodes a scenario's settings node strictly (unknown keys are errors),
// applies defaults and validates. timescale is the scenario's, used unless the section
// sets its own (0 means 1).
func DecodeConfig(n *yaml.Node, timescale float64) (Config, error) {
	var c Config
	if err := ecs.DecodeStrict(n, &c); err != nil {
		return c, fmt.Errorf("ecs-mi: %w", err)
	}
	if c.Timescale == 0 {
		c.Timescale = timescale
	}
	c = c.WithDefaults()
	return c, c.Validate()
}
