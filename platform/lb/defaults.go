package lb

import "time"

// The ALB defaults deploybench models. Sources are the AWS Elastic Load Balancing user
// guide pages named beside each; the project's AWS fact sheet lists the same numbers.
const (
	// DefaultHealthCheckInterval is HealthCheckIntervalSeconds for instance targets.
	// Source: ELB user guide, target-group-health-checks.html (default 30 s, range 5–300 s).
	DefaultHealthCheckInterval = 30 * time.Second
	// DefaultHealthCheckTimeout is HealthCheckTimeoutSeconds for instance targets.
	// Source: target-group-health-checks.html (default 5 s, range 2–120 s).
	DefaultHealthCheckTimeout = 5 * time.Second
	// DefaultHealthyThreshold is HealthyThresholdCount: consecutive successes that bring an
	// unhealthy target back. Source: target-group-health-checks.html (default 5, range 2–10).
	DefaultHealthyThreshold = 5
	// DefaultUnhealthyThreshold is UnhealthyThresholdCount: consecutive failures that take a
	// target out of service. Source: target-group-health-checks.html (default 2, range 2–10).
	DefaultUnhealthyThreshold = 2
	// DefaultInitialHealthyThreshold is how many successes a newly registered target needs.
	// Source: target-group-health-checks.html: "After your target is registered, it must
	// pass one health check to be considered healthy." Set it to HealthyThreshold to model
	// the stricter behaviour some older write-ups describe.
	DefaultInitialHealthyThreshold = 1
	// DefaultHealthCheckPath is HealthCheckPath. Source: target-group-health-checks.html.
	DefaultHealthCheckPath = "/"
	// DefaultMatcher is the HTTP success-code matcher. Source: target-group-health-checks.html
	// (default 200; values like "200,202" or "200-299").
	DefaultMatcher = "200"
	// DefaultDeregistrationDelay is deregistration_delay.timeout_seconds.
	// Source: load-balancer-target-groups.html#deregistration-delay (default 300 s, 0–3600 s).
	DefaultDeregistrationDelay = 300 * time.Second
	// DefaultIdleTimeout is the connection idle timeout (idle_timeout.timeout_seconds).
	// Source: application-load-balancers.html#connection-idle-timeout (default 60 s).
	DefaultIdleTimeout = 60 * time.Second
	// DefaultTargetTimeout bounds how long the proxy waits for a target's response headers
	// before answering 504. ALB has no separate setting: a target that sends nothing within
	// the idle timeout gets a 504. Source: load-balancer-troubleshooting.html (HTTP 504).
	DefaultTargetTimeout = DefaultIdleTimeout
	// DefaultConnectTimeout bounds the TCP connect to a target before a 504.
	// Source: load-balancer-troubleshooting.html (HTTP 504: "failed to establish a
	// connection to the target before the connection timeout expired (10 seconds)").
	DefaultConnectTimeout = 10 * time.Second
	// DefaultRoutingMinHealthy is the target group health "unhealthy state routing"
	// minimum healthy target count: below it the ALB fails open and routes to unhealthy
	// targets too. Source: target-group-health.html (default 1) and
	// target-group-health-checks.html ("If a target group contains only unhealthy
	// registered targets, the load balancer routes requests to all those targets").
	DefaultRoutingMinHealthy = 1
	// DefaultSlowStart is slow_start.duration_seconds: 0 turns slow start off.
	// Source: load-balancer-target-groups.html#slow-start-mode (default 0, range 30–900 s).
	DefaultSlowStart = 0 * time.Second
	// DefaultLCUPeriod is the length of one LCU sample; pricing averages samples per hour.
	// Not an AWS setting: one minute resolves the "active connections per minute" dimension.
	DefaultLCUPeriod = time.Minute
)

// Algorithm names, as the ALB attribute load_balancing.algorithm.type spells them.
// Source: load-balancer-target-groups.html#modify-routing-algorithm.
const (
	RoundRobin               = "round_robin"
	LeastOutstandingRequests = "least_outstanding_requests"
	WeightedRandom           = "weighted_random"
)
