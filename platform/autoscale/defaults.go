package autoscale

import (
	"fmt"
	"time"
)

// Defaults holds every AWS default this package models, each overridable. Durations are
// un-compressed platform time; Scaled divides the control-plane ones by a timescale.
type Defaults struct {
	// MetricPeriod is the period of detailed (1-minute) monitoring, which target tracking
	// recommends and the EC2 Auto Scaling group metrics use.
	// Source: CloudWatch "AWS service metrics 1-minute resolution" [doc]; EC2 detailed
	// monitoring [doc] as-instance-monitoring.html.
	MetricPeriod time.Duration
	// BasicMetricPeriod is the period of basic monitoring, the launch-template default.
	// Source: EC2 Auto Scaling "basic 5-min metrics" [doc].
	BasicMetricPeriod time.Duration
	// HighResolutionPeriod is the shortest period of high-resolution target tracking.
	// Source: "High-resolution target tracking: metric period down to 10 s" [doc].
	HighResolutionPeriod time.Duration
	// MetricDelay is how long after a period ends its datapoint becomes visible to alarms.
	// Source: CloudWatch "statistics of a new datapoint visible after up to ~2 min" [doc];
	// the model uses the upper figure, deterministically.
	MetricDelay time.Duration
	// EvaluationInterval is how often alarms with a period of 60 s or more are evaluated;
	// HighResolutionEvaluationInterval is for alarms with shorter periods.
	// Source: CloudWatch "alarms with period ≥ 60 s evaluated every minute, 10/30 s alarms
	// every 10 s" [doc].
	EvaluationInterval               time.Duration
	HighResolutionEvaluationInterval time.Duration
	// ScaleOutDatapoints and ScaleInDatapoints are the M-of-M datapoints of the two alarms
	// target tracking creates (AlarmHigh 3 of 3, AlarmLow 15 of 15). Undocumented and not
	// configurable in AWS; observed. Source: [3p] github.com/aws/copilot-cli/issues/4233.
	ScaleOutDatapoints int
	ScaleInDatapoints  int
	// ScaleInThresholdRatio places target tracking's scale-in alarm below the target
	// (AlarmLow fires under ratio × target), so the policy keeps the metric at or below the
	// target without flapping. AWS does not document the number; 0.9 (e.g. "< 45" for a
	// target of 50) is what the AlarmLow alarms it creates are observed to use. Assumption.
	ScaleInThresholdRatio float64
	// SimpleCooldown is the default cooldown after a simple scaling activity.
	// Source: "Simple scaling: default cooldown 300 s" [doc] ec2-auto-scaling-scaling-cooldowns.html.
	SimpleCooldown time.Duration
	// InstanceWarmup is the group's default instance warmup: unset (0) by default, range
	// 0–3600 s. Source: [doc] ec2-auto-scaling-default-instance-warmup.html.
	InstanceWarmup time.Duration
	// HealthCheckGracePeriod is how long after launch the group ignores failed health
	// checks of an instance: 300 s when the group is created from the console, 0 from the
	// CLI/SDK [doc] ec2-auto-scaling-health-checks.html. The model takes the console value;
	// the asg platform owns health checks and replacement and reads it from here.
	HealthCheckGracePeriod time.Duration
	// ServiceScaleInCooldown and ServiceScaleOutCooldown are the ECS service auto scaling
	// cooldowns. Source: "scale-in cooldown default 300 s" [doc] (ECS service auto scaling);
	// Application Auto Scaling documents 300 s for the ECS scale-out cooldown too [doc]
	// application/userguide/target-tracking-scaling-policy-overview.html.
	ServiceScaleInCooldown  time.Duration
	ServiceScaleOutCooldown time.Duration
	// CapacityTargetPercent, CapacityMinStep, CapacityMaxStep and CapacityInstanceWarmup are
	// ECS capacity provider managed scaling defaults: targetCapacity 100 %, min step 1, max
	// step 10,000, instanceWarmupPeriod 300 s. Source: [doc] cluster-auto-scaling.html.
	CapacityTargetPercent  float64
	CapacityMinStep        int
	CapacityMaxStep        int
	CapacityInstanceWarmup time.Duration
	// CapacityScaleOutDatapoints is the capacity provider's AlarmHigh (1 of 1 minute);
	// its AlarmLow uses ScaleInDatapoints (15). Source: [3p] aws/containers-roadmap#638;
	// "scale-in alarm 15 datapoints" [doc] cluster-auto-scaling.html.
	CapacityScaleOutDatapoints int
	// Retention is how many MetricPeriods a Metric keeps per source: enough for the
	// 15-datapoint scale-in alarm plus the delay, with room for 5-minute alarms. Model
	// choice, not an AWS number.
	Retention int
}

// AWSDefaults returns the defaults documented (or observed) for AWS, un-compressed.
func AWSDefaults() Defaults {
	return Defaults{
		MetricPeriod:                     60 * time.Second,
		BasicMetricPeriod:                5 * time.Minute,
		HighResolutionPeriod:             10 * time.Second,
		MetricDelay:                      2 * time.Minute,
		EvaluationInterval:               60 * time.Second,
		HighResolutionEvaluationInterval: 10 * time.Second,
		ScaleOutDatapoints:               3,
		ScaleInDatapoints:                15,
		ScaleInThresholdRatio:            0.9,
		SimpleCooldown:                   300 * time.Second,
		InstanceWarmup:                   0,
		HealthCheckGracePeriod:           300 * time.Second,
		ServiceScaleInCooldown:           300 * time.Second,
		ServiceScaleOutCooldown:          300 * time.Second,
		CapacityTargetPercent:            100,
		CapacityMinStep:                  1,
		CapacityMaxStep:                  10000,
		CapacityInstanceWarmup:           300 * time.Second,
		CapacityScaleOutDatapoints:       1,
		Retention:                        64,
	}
}

// Scaled returns d with every control-plane duration divided by timescale (> 0); counts,
// ratios and percentages are unchanged. A timescale of 1 returns d as is.
func (d Defaults) Scaled(timescale float64) (Defaults, error) {
	if !(timescale > 0) || timescale > 1e6 {
		return d, fmt.Errorf("autoscale: timescale: must be in (0, 1e6], got %v", timescale)
	}
	for _, p := range []*time.Duration{&d.MetricPeriod, &d.BasicMetricPeriod, &d.HighResolutionPeriod,
		&d.MetricDelay, &d.EvaluationInterval, &d.HighResolutionEvaluationInterval, &d.SimpleCooldown,
		&d.InstanceWarmup, &d.HealthCheckGracePeriod, &d.ServiceScaleInCooldown, &d.ServiceScaleOutCooldown, &d.CapacityInstanceWarmup} {
		*p = scaleDuration(*p, timescale)
	}
	return d, nil
}

// scaleDuration divides d by timescale, rounding to the nearest nanosecond.
func scaleDuration(d time.Duration, timescale float64) time.Duration {
	if timescale == 1 || timescale <= 0 {
		return d
	}
	return time.Duration(float64(d)/timescale + 0.5)
}
