package fargate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/pricing/billing"
	"gopkg.in/yaml.v3"
)

// Config is the fargate section of a scenario platform. The zero value is valid: a
// 1 vCPU / 2 GB x86_64 task, 1 to 4 tasks tracking 50 % CPU behind an ALB.
type Config struct {
	// ServiceConfig holds cpu, memory_gb, image_size_mb, desired/min/max, policies and
	// the rest of the service (see ecs.ServiceConfig).
	ecs.ServiceConfig `yaml:",inline"`
	// Arch is x86_64 (default) or arm64.
	Arch string `yaml:"arch,omitempty" json:"arch"`
	// Spot runs the tasks on Fargate Spot (x86_64 only).
	Spot bool `yaml:"spot,omitempty" json:"spot,omitempty"`
	// SpotInterruptionsPerHour interrupts running Spot tasks at random, this many times
	// per task-hour of platform time on average (default 0: never).
	SpotInterruptionsPerHour float64 `yaml:"spot_interruptions_per_hour,omitempty" json:"spot_interruptions_per_hour,omitempty"`
	// SpotNotice is the warning before an interrupted task stops (default 2 min).
	SpotNotice time.Duration `yaml:"spot_notice,omitempty" json:"spot_notice,omitempty"`
	// ProvisioningDelay is creation → image pull start (default 20 s).
	ProvisioningDelay time.Duration `yaml:"provisioning_delay,omitempty" json:"provisioning_delay"`
	// Seed makes random Spot interruptions repeatable.
	Seed int64 `yaml:"seed,omitempty" json:"seed,omitempty"`
}

// WithDefaults returns c with every unset field filled.
func (c Config) WithDefaults() Config {
	c.ServiceConfig = c.ServiceConfig.WithDefaults()
	if c.Arch == "" {
		c.Arch = DefaultArch
	}
	if c.SpotNotice == 0 {
		c.SpotNotice = ecs.DefaultSpotNotice
	}
	if c.ProvisioningDelay == 0 {
		c.ProvisioningDelay = DefaultProvisioningDelay
	}
	return c
}

// Validate reports the first invalid field, after defaults, naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := c.ServiceConfig.Validate("fargate"); err != nil {
		return err
	}
	if err := ValidSize(c.CPU, c.MemoryGB); err != nil {
		return err
	}
	switch {
	case c.Arch != "x86_64" && c.Arch != "arm64":
		return fmt.Errorf("fargate.arch: %q is not an architecture (use x86_64 or arm64)", c.Arch)
	case c.Spot && c.Arch == "arm64":
		return fmt.Errorf("fargate.spot: Fargate Spot is not offered for arm64 tasks (use arch: x86_64 or spot: false)")
	case c.SpotInterruptionsPerHour < 0:
		return fmt.Errorf("fargate.spot_interruptions_per_hour: %v must not be negative", c.SpotInterruptionsPerHour)
	case c.SpotInterruptionsPerHour > 0 && !c.Spot:
		return fmt.Errorf("fargate.spot_interruptions_per_hour: only Spot tasks are interrupted (set spot: true)")
	case c.SpotNotice < 0:
		return fmt.Errorf("fargate.spot_notice: %v must not be negative", c.SpotNotice)
	case c.ProvisioningDelay < 0:
		return fmt.Errorf("fargate.provisioning_delay: %v must not be negative", c.ProvisioningDelay)
	}
	return nil
}

// ValidSize checks a task size against the Fargate CPU/memory combinations; the error
// names the field and lists the valid values.
func ValidSize(cpu, memGB float64) error {
	if !slices.Contains(ValidCPUs, cpu) {
		s := make([]string, len(ValidCPUs))
		for i, v := range ValidCPUs {
			s[i] = fmt.Sprint(v)
		}
		return fmt.Errorf("fargate.cpu: %v vCPU is not a Fargate size (valid: %s)", cpu, strings.Join(s, ", "))
	}
	if err := billing.ValidFargateSize(cpu, memGB); err != nil {
		return fmt.Errorf("fargate.memory_gb: %w", err)
	}
	return nil
}

// DecodeConfig decodes a scenario's settings node strictly (unknown keys are errors),
// applies defaults and validates. timescale is the scenario's, used unless the section
// sets its own (0 means 1).
func DecodeConfig(n *yaml.Node, timescale float64) (Config, error) {
	var c Config
	if err := ecs.DecodeStrict(n, &c); err != nil {
		return c, fmt.Errorf("fargate: %w", err)
	}
	if c.Timescale == 0 {
		c.Timescale = timescale
	}
	c = c.WithDefaults()
	return c, c.Validate()
}
