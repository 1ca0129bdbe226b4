package frontdoor

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/lb"
)

// Config configures the live front door. Zero fields take the ALB defaults. None of
// these timeouts is divided by the timescale: they bound request service time, which is
// never compressed.
type Config struct {
	// Addr is the listen address; empty means 127.0.0.1:0 (any free loopback port).
	Addr string `yaml:"addr" json:"addr"`
	// IdleTimeout closes client connections idle this long (ALB idle timeout, 60 s).
	IdleTimeout time.Duration `yaml:"idle_timeout" json:"idle_timeout"`
	// TargetTimeout is how long to wait for a target's response headers before a 504
	// (default: the idle timeout, as on ALB).
	TargetTimeout time.Duration `yaml:"target_timeout" json:"target_timeout"`
	// ConnectTimeout bounds connecting to a target before a 504 (ALB: 10 s).
	ConnectTimeout time.Duration `yaml:"connect_timeout" json:"connect_timeout"`
}

// WithDefaults returns c with zero fields replaced by the ALB defaults.
func (c Config) WithDefaults() Config {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = lb.DefaultIdleTimeout
	}
	if c.TargetTimeout == 0 {
		c.TargetTimeout = c.IdleTimeout
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = lb.DefaultConnectTimeout
	}
	return c
}

// Validate reports the first invalid field, naming it and the fix.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.IdleTimeout < 0:
		return fmt.Errorf("frontdoor: idle_timeout: %v must be positive (ALB default 60s)", c.IdleTimeout)
	case c.TargetTimeout < 0:
		return fmt.Errorf("frontdoor: target_timeout: %v must be positive", c.TargetTimeout)
	case c.ConnectTimeout < 0:
		return fmt.Errorf("frontdoor: connect_timeout: %v must be positive (ALB uses 10s)", c.ConnectTimeout)
	}
	return nil
}
