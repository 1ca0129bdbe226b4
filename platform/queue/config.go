package queue

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fargate"
)

// Config is one queue-workers run: the service's task, its scaling, the broker and the
// burst of jobs. The zero value plus Jobs is valid.
type Config struct {
	// Jobs is the burst size (≥ 1); JobWork how long each keeps a worker busy (platform
	// time, DefaultJobWork when zero).
	Jobs    int
	JobWork time.Duration
	// TaskCPU (vCPU) and TaskMemoryGB size each task: a valid Fargate combination
	// (defaults 0.5 and 1). Arch is x86_64 (default) or arm64.
	TaskCPU      float64
	TaskMemoryGB float64
	Arch         string
	// MinTasks and MaxTasks bound the service (defaults 0 and DefaultMaxTasks).
	MinTasks, MaxTasks int
	// TargetBacklogPerTask is the scaling target (DefaultTargetBacklogPerTask when zero).
	TargetBacklogPerTask float64
	// MetricPeriod, ScaleOutDatapoints, ScaleInDatapoints and ScaleInRatio tune the policy
	// (see defaults.go).
	MetricPeriod       time.Duration
	ScaleOutDatapoints int
	ScaleInDatapoints  int
	ScaleInRatio       float64
	// ProvisioningDelay, ImageSizeMB and PullThroughputMBps give the Fargate task start
	// delay (the fargate and ecs defaults when zero).
	ProvisioningDelay  time.Duration
	ImageSizeMB        float64
	PullThroughputMBps float64
	// AckWait is the redelivery timeout (platform time, DefaultAckWait when zero).
	AckWait time.Duration
	// Idle is the idle phase before the burst (platform time, DefaultIdle when zero).
	Idle time.Duration
	// Timescale divides every platform delay and the jobs' work (1 when zero).
	Timescale float64
	// NATSURL is an external NATS server; "" embeds one. Stream names the stream.
	NATSURL string
	Stream  string
	// Classify puts a test digit (the embedded MNIST test set) in every job, which the
	// worker reads with the built-in SVM as part of its work.
	Classify bool
	// Region prices the run (us-east-1 when empty).
	Region string
}

// WithDefaults fills every unset field.
func (c Config) WithDefaults() Config {
	set := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	setD := func(p *time.Duration, v time.Duration) {
		if *p == 0 {
			*p = v
		}
	}
	set(&c.TaskCPU, 0.5)
	set(&c.TaskMemoryGB, 1)
	set(&c.TargetBacklogPerTask, DefaultTargetBacklogPerTask)
	set(&c.ScaleInRatio, DefaultScaleInRatio)
	set(&c.ImageSizeMB, ecs.DefaultImageSizeMB)
	set(&c.PullThroughputMBps, ecs.DefaultPullThroughputMBps)
	set(&c.Timescale, 1)
	setD(&c.JobWork, DefaultJobWork)
	setD(&c.MetricPeriod, DefaultMetricPeriod)
	setD(&c.ProvisioningDelay, fargate.DefaultProvisioningDelay)
	setD(&c.AckWait, DefaultAckWait)
	setD(&c.Idle, DefaultIdle)
	if c.MaxTasks == 0 {
		c.MaxTasks = DefaultMaxTasks
	}
	if c.ScaleOutDatapoints == 0 {
		c.ScaleOutDatapoints = DefaultScaleOutDatapoints
	}
	if c.ScaleInDatapoints == 0 {
		c.ScaleInDatapoints = DefaultScaleInDatapoints
	}
	if c.Arch == "" {
		c.Arch = fargate.DefaultArch
	}
	if c.Stream == "" {
		c.Stream = DefaultStream
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	return c
}

// Policy is the scaling policy of c.
func (c Config) Policy() BacklogPolicy {
	return BacklogPolicy{TargetPerTask: c.TargetBacklogPerTask, Min: c.MinTasks, Max: c.MaxTasks,
		ScaleOutDatapoints: c.ScaleOutDatapoints, ScaleInDatapoints: c.ScaleInDatapoints, ScaleInRatio: c.ScaleInRatio}
}

// Validate reports the first invalid field, after defaults, naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.Jobs < 1 || c.Jobs > 1_000_000:
		return fmt.Errorf("queue.jobs: %d must be in [1, 1000000]", c.Jobs)
	case c.JobWork < 0:
		return fmt.Errorf("queue.job_work: %v must not be negative", c.JobWork)
	case !(c.Timescale > 0) || c.Timescale > 10000:
		return fmt.Errorf("queue.timescale: %v must be in (0, 10000]", c.Timescale)
	case c.AckWait < 0 || c.Idle < 0 || c.MetricPeriod < 0 || c.ProvisioningDelay < 0:
		return fmt.Errorf("queue: ack_wait, idle, metric_period and provisioning_delay must not be negative")
	case c.Arch != "x86_64" && c.Arch != "arm64":
		return fmt.Errorf("queue.arch: %q is not an architecture (use x86_64 or arm64)", c.Arch)
	case c.MaxTasks > 64:
		return fmt.Errorf("queue.max_tasks: %d is more than this machine should run (at most 64)", c.MaxTasks)
	}
	if err := fargate.ValidSize(c.TaskCPU, c.TaskMemoryGB); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if err := c.Policy().Validate(); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if err := ValidID(c.Stream); err != nil {
		return fmt.Errorf("queue.stream: %w", err)
	}
	if c.wall(c.AckWait) < minAckWait {
		return fmt.Errorf("queue.ack_wait: %v ÷ timescale %g is under %v of wall time (raise ack_wait or lower the timescale)", c.AckWait, c.Timescale, minAckWait)
	}
	return nil
}

// minAckWait keeps redelivery sane on a loaded machine.
const minAckWait = 200 * time.Millisecond

// wall converts platform time to clock (wall) time.
func (c Config) wall(d time.Duration) time.Duration {
	return time.Duration(float64(d)/c.Timescale + 0.5)
}
