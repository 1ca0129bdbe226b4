package ecsec2

import "time"

// ECS on EC2 defaults, each overridable. Managed scaling's own defaults (target capacity
// 100 %, steps 1–10,000, warm-up 300 s) live in autoscale.AWSDefaults; the launch delays
// in fleet's defaults.go.
const (
	// DefaultInstanceType is the container instance type: m5.large (2 vCPU, 8 GiB), the
	// pricing projection's default, which holds two 1 vCPU / 2 GB tasks. Model choice.
	DefaultInstanceType = "m5.large"
	// DefaultMinInstances and DefaultMaxInstances bound the Auto Scaling group: 1 to 4.
	// Model choice (4 m5.large hold twice the default service's maximum).
	DefaultMinInstances = 1
	DefaultMaxInstances = 4
	// DefaultReservationMetricDelay is how late a CapacityProviderReservation datapoint
	// reaches the capacity provider's alarms. ECS publishes the metric every minute; with
	// a one-minute delay, the one-minute period and one-minute alarm evaluation, new
	// instances are asked for 2–3 minutes after tasks start waiting, as measured ([3p]
	// aws-facts: "scaling begins ~2.5 min after demand when new instances are needed").
	DefaultReservationMetricDelay = time.Minute
)
