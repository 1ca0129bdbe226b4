package queue

import (
	"time"

	"github.com/deploybench/deploybench/platform/autoscale"
)

// Defaults of the queue platform, each overridable in Config. Durations are platform time
// (divided by the timescale in live runs).
const (
	// DefaultTargetBacklogPerTask is the backlog per task the scaling policy tracks. AWS's
	// recipe derives it as acceptable latency ÷ time to process one message ("Scaling
	// policy based on Amazon SQS", EC2 Auto Scaling user guide, as-using-sqs-queue.html:
	// "acceptable backlog per instance"); 10 jobs of DefaultJobWork (1 s) means ~10 s of
	// queueing per task. Assumption.
	DefaultTargetBacklogPerTask = 10.0
	// DefaultJobWork is how long one job keeps a worker busy (platform time). Assumption.
	DefaultJobWork = time.Second
	// DefaultAckWait is how long JetStream waits for an ack before redelivering a message:
	// the JetStream consumer default of 30 s (NATS docs, "Consumers", AckWait).
	DefaultAckWait = 30 * time.Second
	// DefaultMaxTasks bounds the service's task count (the scaling target's max capacity).
	DefaultMaxTasks = 4
	// DefaultIdle is how long the bench holds the idle (0 tasks) phase before the burst.
	DefaultIdle = time.Minute
	// DefaultStream names the JetStream stream (and prefixes its subjects and KV bucket).
	DefaultStream = "JOBS"
)

// Scaling defaults come from package autoscale, where each AWS number has its source:
// the policy uses high-resolution (10 s) target tracking with the 3-of-3 scale-out and
// 15-of-15 scale-in datapoint alarms and the 0.9 scale-in threshold ratio.
var (
	// DefaultMetricPeriod is the backlog metric's period: high-resolution target tracking's
	// 10 s (aws-facts: "High-resolution target tracking: metric period down to 10 s").
	DefaultMetricPeriod = autoscale.AWSDefaults().HighResolutionPeriod
	// DefaultScaleOutDatapoints and DefaultScaleInDatapoints are target tracking's AlarmHigh
	// and AlarmLow datapoints (3 of 3, 15 of 15).
	DefaultScaleOutDatapoints = autoscale.AWSDefaults().ScaleOutDatapoints
	DefaultScaleInDatapoints  = autoscale.AWSDefaults().ScaleInDatapoints
	// DefaultScaleInRatio places AlarmLow at 0.9 × the target.
	DefaultScaleInRatio = autoscale.AWSDefaults().ScaleInThresholdRatio
)
