package asg

import (
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/autoscale"
	"gopkg.in/yaml.v3"
)

func decode(t testing.TB, src string) (Config, error) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	return DecodeConfig(&n, 0)
}

func TestDecodeConfig(t *testing.T) {
	full := `
instance_type: t3.medium
min: 1
max: 3
health_check_type: ELB
health_check_grace_period: 60s
default_instance_warmup: 30s
monitoring: high_resolution
timescale: 60
policies:
  - type: target_tracking
    metric: cpu
    target: 50
    period: 10s
  - type: step
    metric: request_count_per_target
    threshold: 100
    steps:
      - {upper: 50, adjustment: 1}
      - {lower: 50, adjustment: 2}
  - type: simple
    threshold: 20
    comparison: "<"
    adjustment: -1
    cooldown: 120s
load_balancer:
  algorithm: least_outstanding_requests
  health_check: {interval: 10s, path: /healthz}
  deregistration_delay: 30s
front_door:
  idle_timeout: 30s
`
	for _, tc := range []struct {
		name, src, err string
		check          func(Config) bool
	}{
		{"defaults", "{}", "", func(c Config) bool {
			return c.Min == 1 && c.Max == 4 && c.Desired == 1 && c.HealthCheckType == "EC2" &&
				c.HealthCheckGracePeriod == 300*time.Second && c.Monitoring == "detailed" &&
				len(c.Policies) == 1 && c.Policies[0].Target == 50 && c.SampleInterval == time.Second &&
				c.LoadBalancer.HealthCheck.Interval == 30*time.Second
		}},
		{"full", full, "", func(c Config) bool {
			return c.Max == 3 && len(c.Policies) == 3 && c.LoadBalancer.Timescale == 60 &&
				c.SampleInterval == 10*time.Second/60/3 && c.Policies[2].Comparison == "<" &&
				c.LoadBalancer.HealthCheck.Path == "/healthz" && c.Policies[1].Name == "step-1"
		}},
		{"fixed group", "min: 2\nmax: 2\ndisable_scaling: true", "", func(c Config) bool { return len(c.Policies) == 0 && c.Desired == 2 }},
		{"unknown key", "mni: 1", "mni", nil},
		{"max below min", "min: 3\nmax: 2", "asg.max", nil},
		{"desired outside", "min: 1\nmax: 2\ndesired: 5", "asg.desired", nil},
		{"health check type", "health_check_type: TCP", "asg.health_check_type", nil},
		{"monitoring", "monitoring: fast", "asg.monitoring", nil},
		{"policy type", "policies: [{type: magic}]", "asg.policies[0].type", nil},
		{"policy metric", "policies: [{type: target_tracking, target: 5, metric: disk}]", "asg.policies[0].metric", nil},
		{"policy target", "policies: [{type: target_tracking}]", "asg.policies[0].target", nil},
		{"high-res period needs monitoring", "policies: [{type: target_tracking, target: 50, period: 10s}]", "asg.policies[0].period", nil},
		{"step without steps", "policies: [{type: step, threshold: 1}]", "asg.policies[0].steps", nil},
		{"comparison", "policies: [{type: simple, adjustment: 1, comparison: '=='}]", "asg.policies[0].comparison", nil},
		{"lb", "load_balancer: {algorithm: fastest}", "asg.load_balancer", nil},
		{"timescale", "timescale: -1", "asg.timescale", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := decode(t, tc.src)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("err %v, want one line naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Fatalf("config %+v", c)
			}
		})
	}
}

func TestPolicyConversion(t *testing.T) {
	c, err := decode(t, "policies: [{type: target_tracking, metric: request_count_per_target, target: 100}]")
	if err != nil {
		t.Fatal(err)
	}
	tt, ok := c.Policies[0].Policy().(autoscale.TargetTracking)
	if !ok || tt.Metric != "ALBRequestCountPerTarget" || tt.Statistic != autoscale.SumPerSource || tt.TargetValue != 100 {
		t.Fatalf("policy %+v", c.Policies[0].Policy())
	}
}

func FuzzDecodeConfig(f *testing.F) {
	for _, s := range []string{"{}", "min: 2\nmax: 5", "policies: [{type: step, threshold: 3, steps: [{adjustment: 1}]}]",
		"monitoring: basic\npolicies: [{type: simple, adjustment: 2, period: 10m}]", "load_balancer: {health_check: {timeout: 40s}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(src), &n) != nil {
			return
		}
		if c, err := DecodeConfig(&n, 0); err == nil {
			if err := c.Validate(); err != nil {
				t.Fatalf("decoded config does not validate: %v", err)
			}
		}
	})
}
