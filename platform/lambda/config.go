package lambda

import (
	"bytes"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform/apigw"
)

// Config is the lambda section of a scenario platform: the function's configuration and
// the API Gateway in front of it. The zero value is valid: a 128 MB x86_64 function with
// AWS's limits behind an HTTP API.
type Config struct {
	// MemoryMB is the memory setting (128–10,240); it sets the environment's memory limit
	// and its CPU share (1,769 MB = 1 vCPU).
	MemoryMB int `yaml:"memory_mb,omitempty" json:"memory_mb,omitempty"`
	// Arch is x86_64 (default) or arm64; it changes only the price here.
	Arch string `yaml:"arch,omitempty" json:"arch,omitempty"`
	// Timeout is the function timeout (default 3 s, at most 900 s).
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// ReservedConcurrency caps the function's concurrent executions; 0 means none
	// reserved: the function shares the account limit.
	ReservedConcurrency int `yaml:"reserved_concurrency,omitempty" json:"reserved_concurrency,omitempty"`
	// AccountConcurrency is the account's concurrency limit (default 1,000).
	AccountConcurrency int `yaml:"account_concurrency,omitempty" json:"account_concurrency,omitempty"`
	// ProvisionedConcurrency is how many environments are initialised before traffic and
	// kept warm (billed while enabled); 0 means none.
	ProvisionedConcurrency int `yaml:"provisioned_concurrency,omitempty" json:"provisioned_concurrency,omitempty"`
	// ScalingRate is how many new environments the function may start per ScalingWindow
	// (defaults 1,000 per 10 s; the window is divided by the timescale).
	ScalingRate   int           `yaml:"scaling_rate,omitempty" json:"scaling_rate,omitempty"`
	ScalingWindow time.Duration `yaml:"scaling_window,omitempty" json:"scaling_window,omitempty"`
	// KeepAlive is how long an idle environment lives (default 10 min, divided by the
	// timescale).
	KeepAlive time.Duration `yaml:"keep_alive,omitempty" json:"keep_alive,omitempty"`
	// InitTimeout caps a cold start's INIT phase (default 10 s, real time).
	InitTimeout time.Duration `yaml:"init_timeout,omitempty" json:"init_timeout,omitempty"`
	// PlatformInit is the modelled platform part of a cold start before the app starts
	// (default 50 ms; set 0s to turn it off). Real time, not billed.
	PlatformInit *time.Duration `yaml:"platform_init,omitempty" json:"platform_init,omitempty"`
	// API is the API Gateway in front of the function.
	API apigw.Config `yaml:"api,omitempty" json:"api,omitempty"`
	// Timescale divides control-plane delays (keep-alive, scaling window) only; 0 means 1.
	// The runner copies the scenario's timescale here unless the platform sets its own.
	Timescale float64 `yaml:"timescale,omitempty" json:"timescale,omitempty"`
	// StopGrace is how long an app gets after SIGTERM when its environment ends
	// (default 2 s).
	StopGrace time.Duration `yaml:"stop_grace,omitempty" json:"stop_grace,omitempty"`
}

// WithDefaults returns c with every unset field filled.
func (c Config) WithDefaults() Config {
	if c.MemoryMB == 0 {
		c.MemoryMB = DefaultMemoryMB
	}
	if c.Arch == "" {
		c.Arch = DefaultArch
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.AccountConcurrency == 0 {
		c.AccountConcurrency = DefaultAccountConcurrency
	}
	if c.ScalingRate == 0 {
		c.ScalingRate = DefaultScalingRate
	}
	if c.ScalingWindow == 0 {
		c.ScalingWindow = DefaultScalingWindow
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.InitTimeout == 0 {
		c.InitTimeout = DefaultInitTimeout
	}
	if c.PlatformInit == nil {
		d := DefaultPlatformInit
		c.PlatformInit = &d
	}
	c.API = c.API.WithDefaults()
	if c.Timescale == 0 {
		c.Timescale = 1
	}
	if c.StopGrace == 0 {
		c.StopGrace = DefaultStopGrace
	}
	return c
}

// Validate reports the first invalid field, after defaults, naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.MemoryMB < MinMemoryMB || c.MemoryMB > MaxMemoryMB:
		return fmt.Errorf("lambda.memory_mb: %d must be between %d and %d MB", c.MemoryMB, MinMemoryMB, MaxMemoryMB)
	case c.Arch != ArchX86 && c.Arch != ArchARM:
		return fmt.Errorf("lambda.arch: %q is not a Lambda architecture (use %s or %s)", c.Arch, ArchX86, ArchARM)
	case c.Timeout < time.Millisecond || c.Timeout > MaxTimeout:
		return fmt.Errorf("lambda.timeout: %v must be between 1ms and %v", c.Timeout, MaxTimeout)
	case c.AccountConcurrency < 1:
		return fmt.Errorf("lambda.account_concurrency: %d must be at least 1", c.AccountConcurrency)
	case c.ReservedConcurrency < 0 || c.ReservedConcurrency > c.AccountConcurrency:
		return fmt.Errorf("lambda.reserved_concurrency: %d must be between 1 and the account concurrency %d (0 = none reserved)", c.ReservedConcurrency, c.AccountConcurrency)
	case c.ProvisionedConcurrency < 0 || c.ProvisionedConcurrency > c.ConcurrencyLimit():
		return fmt.Errorf("lambda.provisioned_concurrency: %d must be between 0 and the concurrency limit %d", c.ProvisionedConcurrency, c.ConcurrencyLimit())
	case c.ScalingRate < 1:
		return fmt.Errorf("lambda.scaling_rate: %d must be at least 1 new environment per window", c.ScalingRate)
	case c.ScalingWindow <= 0:
		return fmt.Errorf("lambda.scaling_window: %v must be positive", c.ScalingWindow)
	case c.KeepAlive <= 0:
		return fmt.Errorf("lambda.keep_alive: %v must be positive", c.KeepAlive)
	case c.InitTimeout <= 0:
		return fmt.Errorf("lambda.init_timeout: %v must be positive", c.InitTimeout)
	case *c.PlatformInit < 0:
		return fmt.Errorf("lambda.platform_init: %v must not be negative", *c.PlatformInit)
	case !(c.Timescale > 0) || c.Timescale > 1e6:
		return fmt.Errorf("lambda.timescale: %v must be in (0, 1e6] (1 = real time, 60 = a platform minute per second)", c.Timescale)
	case c.StopGrace < 0:
		return fmt.Errorf("lambda.stop_grace: %v must not be negative", c.StopGrace)
	}
	return c.API.Validate("lambda.api")
}

// ConcurrencyLimit is the function's effective limit: its reserved concurrency, or the
// account's when none is reserved.
func (c Config) ConcurrencyLimit() int {
	c = c.WithDefaults()
	if c.ReservedConcurrency > 0 {
		return c.ReservedConcurrency
	}
	return c.AccountConcurrency
}

// VCPU is the environment's CPU share for the memory setting.
func (c Config) VCPU() float64 { return VCPUForMemory(c.WithDefaults().MemoryMB) }

// DecodeConfig decodes a scenario's settings node strictly (unknown keys are errors),
// applies defaults and validates. A nil or empty node gives the defaults.
func DecodeConfig(n *yaml.Node) (Config, error) {
	var c Config
	if n != nil && n.Kind != 0 {
		b, err := yaml.Marshal(n)
		if err != nil {
			return c, fmt.Errorf("lambda: %w", err)
		}
		if err := decodeStrict(b, &c); err != nil {
			return c, err
		}
	}
	c = c.WithDefaults()
	return c, c.Validate()
}

// decodeStrict decodes YAML bytes into c, unknown keys being errors, in one line.
func decodeStrict(b []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && err.Error() != "EOF" {
		return fmt.Errorf("lambda: %s", bytes.Join(bytes.Fields([]byte(err.Error())), []byte(" ")))
	}
	return nil
}

// MaxVCPU is the most emulated vCPUs the function can use at once (every environment
// the concurrency limit allows, busy), for the runner's host capacity check.
func (c Config) MaxVCPU() float64 { return float64(c.ConcurrencyLimit()) * c.VCPU() }

// Size is what a report's size column shows, e.g. "1024 MB x86_64".
func (c Config) Size() string {
	c = c.WithDefaults()
	return fmt.Sprintf("%d MB %s", c.MemoryMB, c.Arch)
}
