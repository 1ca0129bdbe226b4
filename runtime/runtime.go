package runtime

import (
	"context"
	"time"
)

// Spec describes one instance (a VM, a task or a Lambda execution environment) to start.
type Spec struct {
	// Name identifies the instance in logs and labels, e.g. "asg-3".
	Name string
	// Command is the app's argv; "{port}" in any element is replaced by the port chosen
	// for this instance. The built-in classifier is run as the deploybench binary itself.
	Command []string
	// Env holds extra environment variables; PORT is always set to the chosen port.
	Env map[string]string
	// Image names a container image; only container backends use it.
	Image string
	// HealthPath is the HTTP path polled for readiness, e.g. "/healthz".
	HealthPath string
	// VCPU is the number of emulated vCPUs; the backend multiplies it by its vCPU fraction
	// of a host core to set the CPU quota.
	VCPU float64
	// MemoryMiB is the memory limit; 0 means none.
	MemoryMiB int
	// Labels are attached where the backend supports them (cgroup names, container labels).
	Labels map[string]string
}

// Usage is one resource sample of an instance.
type Usage struct {
	// At is when the sample was taken.
	At time.Time
	// CPUSeconds is the cumulative host CPU time used since start (all processes of the
	// instance, children included).
	CPUSeconds float64
	// MemoryBytes is the current memory: charged to the cgroup minus reclaimable page
	// cache, or the summed resident set size of the processes without cgroups.
	MemoryBytes uint64
	// VCPU is the instance's emulated vCPU count (from its Spec) and AllowedVCPU its
	// current allowance (lower while SetVCPU holds a burstable instance to its baseline).
	VCPU, AllowedVCPU float64
	// VCPUFraction is the share of a host core one emulated vCPU gets on this backend;
	// CPUSeconds / VCPUFraction is the emulated vCPU-seconds used.
	VCPUFraction float64
}

// VCPUSeconds is the cumulative CPU in emulated vCPU-seconds: one emulated vCPU busy for
// one second adds 1, whatever share of a host core that is.
func (u Usage) VCPUSeconds() float64 {
	if u.VCPUFraction <= 0 {
		return 0
	}
	return u.CPUSeconds / u.VCPUFraction
}

// Instance is a started app instance.
type Instance interface {
	// ID is unique within the backend.
	ID() string
	// Addr is the host:port on 127.0.0.1 the app listens on.
	Addr() string
	// WaitReady blocks until the app answers 200 on the health path, the app exits, or
	// ctx ends.
	WaitReady(ctx context.Context) error
	// Usage samples the instance's cumulative CPU and current memory.
	Usage() (Usage, error)
	// SetVCPU changes the CPU quota, e.g. when a burstable instance runs out of credits.
	SetVCPU(vcpu float64) error
	// Stop asks the app to exit (SIGTERM), waits up to grace, then kills it and releases
	// everything the instance created (cgroup, temp files, port).
	Stop(grace time.Duration) error
	// Done is closed when the app has exited.
	Done() <-chan struct{}
	// ExitReason describes how the app exited (e.g. "exit 0", "OutOfMemory (exit 137)");
	// empty while running.
	ExitReason() string
}

// Backend starts instances.
type Backend interface {
	// Name is "process" or "docker".
	Name() string
	// Start launches an instance and returns once its process exists; call WaitReady for
	// readiness.
	Start(ctx context.Context, spec Spec) (Instance, error)
	// Limits describes how CPU and memory limits are enforced, e.g.
	// "cgroup v1: 1 vCPU = 0.25 host core" or "no cgroups (not root): GOMAXPROCS only".
	Limits() string
	// Close stops every instance still running and removes what the backend created.
	Close() error
}
