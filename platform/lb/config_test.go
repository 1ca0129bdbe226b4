package lb

import (
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	hc := c.HealthCheck
	if c.Algorithm != RoundRobin || hc.Interval != 30*time.Second || hc.Timeout != 5*time.Second ||
		hc.HealthyThreshold != 5 || hc.UnhealthyThreshold != 2 || hc.InitialHealthyThreshold != 1 ||
		hc.Path != "/" || hc.Matcher != "200" || c.DeregistrationDelay != 300*time.Second ||
		c.RoutingMinHealthy != 1 || c.Timescale != 1 {
		t.Errorf("defaults = %+v", c)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; empty for valid
	}{
		{"zero value", Config{}, ""},
		{"lor", Config{Algorithm: LeastOutstandingRequests}, ""},
		{"unknown algorithm", Config{Algorithm: "random"}, "algorithm"},
		{"timeout not below interval", Config{HealthCheck: HealthCheck{Interval: 5 * time.Second, Timeout: 5 * time.Second}}, "health_check.timeout"},
		{"negative interval", Config{HealthCheck: HealthCheck{Interval: -time.Second}}, "health_check.interval"},
		{"negative threshold", Config{HealthCheck: HealthCheck{HealthyThreshold: -1}}, "healthy_threshold"},
		{"negative unhealthy threshold", Config{HealthCheck: HealthCheck{UnhealthyThreshold: -2}}, "unhealthy_threshold"},
		{"path", Config{HealthCheck: HealthCheck{Path: "healthz"}}, "health_check.path"},
		{"matcher", Config{HealthCheck: HealthCheck{Matcher: "2xx"}}, "health_check.matcher"},
		{"timescale", Config{Timescale: -2}, "timescale"},
		{"min healthy", Config{RoutingMinHealthy: -1}, "routing_min_healthy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want error naming %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestTimescaleCompressesControlPlaneOnly(t *testing.T) {
	c := Config{Timescale: 60}
	if got := c.EffectiveInterval(); got != 500*time.Millisecond {
		t.Errorf("interval = %v, want 500ms", got)
	}
	if got := c.EffectiveTimeout(); got != 5*time.Second/60 {
		t.Errorf("timeout = %v, want %v", got, 5*time.Second/60)
	}
	if got := c.EffectiveDeregistrationDelay(); got != 5*time.Second {
		t.Errorf("deregistration delay = %v, want 5s", got)
	}
	if got := (Config{DeregistrationDelay: -1}).EffectiveDeregistrationDelay(); got != 0 {
		t.Errorf("negative delay = %v, want 0 (none)", got)
	}
}
