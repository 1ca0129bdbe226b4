package ec2

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/fleet"
	"gopkg.in/yaml.v3"
)

// Config is the ec2 section of a scenario platform. The zero value is valid: one
// DefaultInstanceType instance, on demand, with AWS's launch delays.
type Config struct {
	// LaunchTemplate holds instance_type, vcpu, memory_mib, purchase, credit_mode,
	// pending_delay and boot_delay.
	fleet.LaunchTemplate `yaml:",inline"`
	// Timescale divides control-plane delays (launch, boot); 0 means 1. The runner copies
	// the scenario's timescale here unless the platform sets its own.
	Timescale float64 `yaml:"timescale,omitempty" json:"timescale,omitempty"`
	// StopGrace is how long the app gets to exit after SIGTERM at the end (default 5 s).
	StopGrace time.Duration `yaml:"stop_grace,omitempty" json:"stop_grace,omitempty"`
}

// WithDefaults returns c with every unset field filled.
func (c Config) WithDefaults() Config {
	c.LaunchTemplate = c.LaunchTemplate.WithDefaults(DefaultInstanceType)
	if c.Timescale == 0 {
		c.Timescale = 1
	}
	if c.StopGrace == 0 {
		c.StopGrace = fleet.DefaultStopGrace
	}
	return c
}

// Validate reports the first invalid field, after defaults, naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := c.LaunchTemplate.Validate("ec2"); err != nil {
		return err
	}
	switch {
	case !(c.Timescale > 0) || c.Timescale > 1e6:
		return fmt.Errorf("ec2.timescale: %v must be in (0, 1e6] (1 = real time, 60 = a platform minute per second)", c.Timescale)
	case c.StopGrace < 0:
		return fmt.Errorf("ec2.stop_grace: %v must not be negative", c.StopGrace)
	}
	return nil
}

// DecodeConfig decodes a scenario's settings node strictly (unknown keys are errors),
// applies defaults and validates. A nil or empty node gives the defaults. timescale is
// the scenario's, used unless the section sets its own (0 means 1).
func DecodeConfig(n *yaml.Node, timescale float64) (Config, error) {
	var c Config
	if err := fleet.DecodeStrict(n, &c); err != nil {
		return c, fmt.Errorf("ec2: %w", err)
	}
	if c.Timescale == 0 {
		c.Timescale = timescale
	}
	c = c.WithDefaults()
	return c, c.Validate()
}
