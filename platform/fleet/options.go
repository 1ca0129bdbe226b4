package fleet

import (
	"errors"
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// Options wires a Fleet. The platform models (ec2, asg) build it from their user-facing
// config: every delay here is already divided by the scenario timescale.
type Options struct {
	// Clock is the fleet's only time source. Required.
	Clock platform.Clock
	// Driver starts the app of each instance. Required.
	Driver Driver
	// Targets is the load balancer's registry; nil means instances are reached directly
	// and are in service once their app is ready.
	Targets Targets
	// Prefix starts instance IDs: Prefix + "-" + sequence number.
	Prefix string
	// InstanceType, VCPU and MemoryMiB size each instance; Purchase is its billing option
	// ("on-demand" when empty).
	InstanceType string
	VCPU         float64
	MemoryMiB    int
	Purchase     string
	// PendingDelay models EC2 from the launch call to the running state; BootDelay models
	// the OS boot until the app can be started.
	PendingDelay time.Duration
	BootDelay    time.Duration
	// HealthCheckGrace delays acting on load balancer health after launch.
	HealthCheckGrace time.Duration
	// ELBHealth replaces instances the load balancer finds unhealthy (health check type
	// ELB); otherwise only instances whose app exited are replaced (type EC2).
	ELBHealth bool
	// NoReplacement keeps failed instances instead of replacing them: a lone EC2 instance
	// whose app died is still a running (and billed) VM that no group replaces.
	NoReplacement bool
	// Warmup is how long an instance stays out of the group CPU average after entering
	// service (the ASG default instance warmup).
	Warmup time.Duration
	// SampleInterval is the CPU sampling period (1 s when zero). It is a measurement
	// period, not a control-plane delay, so it is not compressed.
	SampleInterval time.Duration
	// StopGrace is how long an app may take to exit after SIGTERM (5 s when zero).
	StopGrace time.Duration
	// Timescale compresses control-plane delays; billing records are written in
	// uncompressed platform time, so a record lasts Timescale times the clock time.
	// Zero means 1.
	Timescale float64
	// NewCredits returns the CPU-credit account of a new instance; nil for types that are
	// not burstable.
	NewCredits func() Credits
	// OnEvent, when set, receives every event as it happens (never under the fleet lock).
	OnEvent func(platform.Event)
	// OnCPU, when set, receives at every sample the average CPU % of instances in
	// service and past their warmup, and how many there were. It is not called when there
	// are none: missing data, as in CloudWatch.
	OnCPU func(at time.Time, avgPct float64, n int)
	// OnSample, when set, receives every in-service instance's utilisation at every
	// sample, warming ones included: the per-instance series of a CloudWatch-like metric
	// store, which excludes warming instances itself (autoscale.Metric).
	OnSample func(id string, at time.Time, cpuPct float64)
}

// Defaults for the fleet's measurement and shutdown behaviour.
const (
	// DefaultSampleInterval is the CPU sampling period; the issue asks for one second.
	DefaultSampleInterval = time.Second
	// DefaultStopGrace is how long an app gets after SIGTERM before it is killed. EC2
	// gives an OS shutdown no fixed bound; 5 s keeps runs short and is overridable.
	DefaultStopGrace = 5 * time.Second
)

func (o *Options) validate() error {
	switch {
	case o.Clock == nil:
		return errors.New("fleet: Options.Clock is nil")
	case o.Driver == nil:
		return errors.New("fleet: Options.Driver is nil")
	case o.VCPU <= 0:
		return fmt.Errorf("fleet: Options.VCPU %v must be > 0", o.VCPU)
	case o.Timescale < 0:
		return fmt.Errorf("fleet: Options.Timescale %v must be ≥ 0", o.Timescale)
	}
	if o.Prefix == "" {
		o.Prefix = "i"
	}
	if o.Purchase == "" {
		o.Purchase = "on-demand"
	}
	if o.SampleInterval <= 0 {
		o.SampleInterval = DefaultSampleInterval
	}
	if o.StopGrace <= 0 {
		o.StopGrace = DefaultStopGrace
	}
	if o.Timescale == 0 {
		o.Timescale = 1
	}
	return nil
}
