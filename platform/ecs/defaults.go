package ecs

import "time"

// ECS defaults shared by the three container platforms. Each is overridable in the
// scenario; the sources are the project's AWS fact sheet and the pages named here.
const (
	// DefaultTaskCPU and DefaultTaskMemoryGB size a task unless configured: 1 vCPU (1,024
	// CPU units) and 2 GB, the smallest Fargate size with a whole vCPU, so that the same
	// task runs on all three platforms. Model choice.
	DefaultTaskCPU      = 1.0
	DefaultTaskMemoryGB = 2.0
	// DefaultImageSizeMB is the compressed image size pulled when a task starts: 413 MB,
	// the image of the only published Fargate start-up measurement ([3p] task start 53–62 s
	// for a 413 MB image without lazy loading). Set image_size_mb to your image's size.
	DefaultImageSizeMB = 413.0
	// DefaultPullThroughputMBps is the registry pull-and-extract throughput: 12 MB/s.
	// AWS publishes no figure. Derivation: the 53–62 s start of a 413 MB Fargate task
	// ([3p], see DefaultImageSizeMB) less ~20 s of provisioning (fargate's
	// DefaultProvisioningDelay) leaves ~33–42 s for the pull, i.e. 10–12.5 MB/s; 12 keeps
	// the modelled start (20 + 34 s + the measured app start) inside the measured range.
	// ECS on EC2 uses the same figure (same registry, same extraction).
	DefaultPullThroughputMBps = 12.0
	// DefaultDesiredTasks, DefaultMinTasks and DefaultMaxTasks bound the service unless
	// configured: 1 to 4 tasks (model choice: a service that can at least double).
	DefaultMinTasks = 1
	DefaultMaxTasks = 4
	// DefaultTargetCPU is the target of the policy used when none is configured: target
	// tracking on ECSServiceAverageCPUUtilization at 50 % (model choice, as in asg).
	DefaultTargetCPU = 50.0
	// DefaultHealthCheckGracePeriod is the service's healthCheckGracePeriodSeconds: 0.
	// Source: [doc] ECS API CreateService ("If you don't specify a health check grace
	// period value, the default value of 0 is used").
	DefaultHealthCheckGracePeriod = 0 * time.Second
	// DefaultStopGrace is how long a task's app gets after SIGTERM: ECS's stopTimeout
	// default is 30 s ([doc] task definition parameters); 5 s (as the fleet) keeps live
	// runs short, and the apps under test exit at once on SIGTERM. Overridable.
	DefaultStopGrace = 5 * time.Second
	// DefaultSpotNotice is the Fargate Spot interruption warning: two minutes, with
	// SIGTERM. Source: [doc] fargate-capacity-providers.html; aws-facts "2-minute SIGTERM
	// warning".
	DefaultSpotNotice = 2 * time.Minute
	// DefaultReservedMemoryFraction is the share of a container instance's memory the ECS
	// agent does not register for tasks (OS, agent): m5.large registers about 7.5 of
	// 8 GiB. An assumption shared with the pricing projection; overridable per platform.
	DefaultReservedMemoryFraction = 0.06
	// MaxSampleInterval and MinSampleInterval bound the CPU sampling period (as in asg):
	// at most 1 s, shrinking to a third of the compressed metric period, never below 10 ms.
	MaxSampleInterval = time.Second
	MinSampleInterval = 10 * time.Millisecond
)

// Placement strategies. Source: [doc] task-placement-strategies.html: binpack places
// tasks on the instance with the least available CPU (or memory) so that the fewest
// instances are used; spread places them evenly (here by instance ID).
const (
	Binpack = "binpack"
	Spread  = "spread"
)

// Monitoring levels of the service's metrics: ECS publishes 1-minute service metrics
// ([doc] CloudWatch "AWS service metrics 1-minute resolution"); high_resolution uses the
// 10 s periods high-resolution target tracking allows, for compressed live runs and tests.
const (
	MonitoringDetailed       = "detailed"
	MonitoringHighResolution = "high_resolution"
)

// Metric names the service's policies can scale on.
const (
	// MetricCPU is ECSServiceAverageCPUUtilization: the running tasks' CPU as a share of
	// their reservation.
	MetricCPU = "cpu"
	// MetricRequestCountPerTarget is ALBRequestCountPerTarget.
	MetricRequestCountPerTarget = "request_count_per_target"
)
