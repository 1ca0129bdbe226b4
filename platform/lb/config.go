package lb

import (
	"fmt"
	"time"
)

// Config configures a Balancer. The zero value is the ALB default for every field; see
// defaults.go for the values and their sources.
type Config struct {
	// Algorithm is round_robin (default), least_outstanding_requests or weighted_random.
	Algorithm string `yaml:"algorithm" json:"algorithm"`
	// HealthCheck configures the target health checks.
	HealthCheck HealthCheck `yaml:"health_check" json:"health_check"`
	// DeregistrationDelay is how long a draining target may keep serving its in-flight
	// requests. Zero means the default (300 s); a negative value means no delay: the target
	// is removed at once and its in-flight requests are cut.
	DeregistrationDelay time.Duration `yaml:"deregistration_delay" json:"deregistration_delay"`
	// SlowStart, if positive, ramps a target that turns healthy from no requests up to its
	// fair share over this long (round_robin only). Zero (the default) turns it off.
	SlowStart time.Duration `yaml:"slow_start" json:"slow_start"`
	// RoutingMinHealthy is the minimum healthy target count below which the balancer fails
	// open (routes to unhealthy targets as well). Zero means the default, 1.
	RoutingMinHealthy int `yaml:"routing_min_healthy" json:"routing_min_healthy"`
	// DisableFailOpen turns fail-open routing off: with no healthy target every request is
	// answered 503. ALB cannot do this; it exists to study the difference.
	DisableFailOpen bool `yaml:"disable_fail_open" json:"disable_fail_open"`
	// Timescale divides the control-plane durations (health-check interval and timeout,
	// deregistration delay) so that a live run compresses platform time. Zero means 1.
	Timescale float64 `yaml:"timescale" json:"timescale"`
	// LCUPeriod is the length of one LCU sample in platform time. Zero: one minute.
	LCUPeriod time.Duration `yaml:"lcu_period" json:"lcu_period"`
	// Seed seeds the weighted_random algorithm so that runs repeat.
	Seed int64 `yaml:"seed" json:"seed"`
	// Observer, if set, receives every target state change, in order. It runs on the
	// goroutine that caused the change, after the balancer's lock is released, so it may
	// call the balancer. It should return quickly.
	Observer func(Event) `yaml:"-" json:"-"`
}

// HealthCheck configures target health checks, named after the ALB target group settings.
type HealthCheck struct {
	// Interval between checks of one target (HealthCheckIntervalSeconds). Zero: 30 s.
	Interval time.Duration `yaml:"interval" json:"interval"`
	// Timeout after which a check counts as failed (HealthCheckTimeoutSeconds). Zero: 5 s.
	Timeout time.Duration `yaml:"timeout" json:"timeout"`
	// HealthyThreshold is the consecutive successes that make an unhealthy target healthy
	// (HealthyThresholdCount). Zero: 5.
	HealthyThreshold int `yaml:"healthy_threshold" json:"healthy_threshold"`
	// UnhealthyThreshold is the consecutive failures that make a target unhealthy
	// (UnhealthyThresholdCount). Zero: 2.
	UnhealthyThreshold int `yaml:"unhealthy_threshold" json:"unhealthy_threshold"`
	// InitialHealthyThreshold is the consecutive successes a newly registered target needs
	// to become healthy. Zero: 1, as the ALB documentation states.
	InitialHealthyThreshold int `yaml:"initial_healthy_threshold" json:"initial_healthy_threshold"`
	// Path is the HTTP path probed (HealthCheckPath). Empty: "/".
	Path string `yaml:"path" json:"path"`
	// Matcher lists the success codes, e.g. "200", "200,202" or "200-299". Empty: "200".
	Matcher string `yaml:"matcher" json:"matcher"`
}

// WithDefaults returns c with every zero field replaced by its ALB default.
func (c Config) WithDefaults() Config {
	if c.Algorithm == "" {
		c.Algorithm = RoundRobin
	}
	h := &c.HealthCheck
	if h.Interval == 0 {
		h.Interval = DefaultHealthCheckInterval
	}
	if h.Timeout == 0 {
		h.Timeout = DefaultHealthCheckTimeout
	}
	if h.HealthyThreshold == 0 {
		h.HealthyThreshold = DefaultHealthyThreshold
	}
	if h.UnhealthyThreshold == 0 {
		h.UnhealthyThreshold = DefaultUnhealthyThreshold
	}
	if h.InitialHealthyThreshold == 0 {
		h.InitialHealthyThreshold = DefaultInitialHealthyThreshold
	}
	if h.Path == "" {
		h.Path = DefaultHealthCheckPath
	}
	if h.Matcher == "" {
		h.Matcher = DefaultMatcher
	}
	if c.DeregistrationDelay == 0 {
		c.DeregistrationDelay = DefaultDeregistrationDelay
	}
	if c.RoutingMinHealthy == 0 {
		c.RoutingMinHealthy = DefaultRoutingMinHealthy
	}
	if c.Timescale == 0 {
		c.Timescale = 1
	}
	if c.LCUPeriod == 0 {
		c.LCUPeriod = DefaultLCUPeriod
	}
	return c
}

// Validate reports the first invalid field of c after defaults are applied, naming the
// field and the fix.
func (c Config) Validate() error {
	c = c.WithDefaults()
	h := c.HealthCheck
	switch c.Algorithm {
	case RoundRobin, LeastOutstandingRequests, WeightedRandom:
	default:
		return fmt.Errorf("lb: algorithm: %q is not known (use %s, %s or %s)", c.Algorithm, RoundRobin, LeastOutstandingRequests, WeightedRandom)
	}
	switch {
	case h.Interval < 0:
		return fmt.Errorf("lb: health_check.interval: %v must be positive", h.Interval)
	case h.Timeout < 0:
		return fmt.Errorf("lb: health_check.timeout: %v must be positive", h.Timeout)
	case h.Timeout >= h.Interval:
		return fmt.Errorf("lb: health_check.timeout: %v must be less than health_check.interval %v", h.Timeout, h.Interval)
	case h.HealthyThreshold < 1:
		return fmt.Errorf("lb: health_check.healthy_threshold: %d must be at least 1 (ALB allows 2–10)", h.HealthyThreshold)
	case h.UnhealthyThreshold < 1:
		return fmt.Errorf("lb: health_check.unhealthy_threshold: %d must be at least 1 (ALB allows 2–10)", h.UnhealthyThreshold)
	case h.InitialHealthyThreshold < 1:
		return fmt.Errorf("lb: health_check.initial_healthy_threshold: %d must be at least 1", h.InitialHealthyThreshold)
	case h.Path[0] != '/':
		return fmt.Errorf("lb: health_check.path: %q must start with /", h.Path)
	case c.RoutingMinHealthy < 1:
		return fmt.Errorf("lb: routing_min_healthy: %d must be at least 1", c.RoutingMinHealthy)
	case c.SlowStart < 0:
		return fmt.Errorf("lb: slow_start: %v must not be negative (0 = off, ALB allows 30s–15m)", c.SlowStart)
	case c.SlowStart > 0 && c.Algorithm != RoundRobin:
		return fmt.Errorf("lb: slow_start: modelled for %s only, not %s (set slow_start: 0 or algorithm: %s)", RoundRobin, c.Algorithm, RoundRobin)
	case c.LCUPeriod < 0:
		return fmt.Errorf("lb: lcu_period: %v must be positive (default 1m)", c.LCUPeriod)
	case c.Timescale < 0:
		return fmt.Errorf("lb: timescale: %v must be positive (1 = real time, 60 = one platform minute per second)", c.Timescale)
	}
	if _, err := ParseMatcher(h.Matcher); err != nil {
		return fmt.Errorf("lb: health_check.matcher: %w", err)
	}
	return nil
}

// scale divides a control-plane duration by the timescale.
func (c Config) scale(d time.Duration) time.Duration {
	if c.Timescale <= 0 || c.Timescale == 1 {
		return d
	}
	return time.Duration(float64(d) / c.Timescale)
}

// EffectiveInterval is the health-check interval after time compression.
func (c Config) EffectiveInterval() time.Duration {
	return c.scale(c.WithDefaults().HealthCheck.Interval)
}

// EffectiveTimeout is the health-check timeout after time compression.
func (c Config) EffectiveTimeout() time.Duration {
	return c.scale(c.WithDefaults().HealthCheck.Timeout)
}

// EffectiveSlowStart is the slow-start duration after time compression; 0 means off.
func (c Config) EffectiveSlowStart() time.Duration { return c.scale(c.SlowStart) }

// EffectiveDeregistrationDelay is the deregistration delay after time compression; 0
// means none.
func (c Config) EffectiveDeregistrationDelay() time.Duration {
	d := c.WithDefaults().DeregistrationDelay
	if d < 0 {
		return 0
	}
	return c.scale(d)
}
