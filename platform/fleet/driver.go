package fleet

import (
	"context"
	"time"
)

// MachineSpec is what the fleet asks a Driver to start: the app of one instance, sized
// like its instance type. What the app is (command, image, health path) is the driver's
// business, so the fleet stays the same for every app and every world.
type MachineSpec struct {
	// Name is the instance ID, e.g. "asg-3"; drivers use it to label what they create.
	Name string
	// InstanceType is the EC2 type, e.g. "t3.small" (informational for drivers).
	InstanceType string
	// VCPU is the vCPU count of the type; MemoryMiB its memory.
	VCPU      float64
	MemoryMiB int
}

// Sample is one resource reading of a Machine.
type Sample struct {
	// At is when it was taken (the fleet's clock in simulation, wall time live).
	At time.Time
	// CPUSeconds is the cumulative CPU used since start, in emulated vCPU-seconds: one
	// emulated vCPU busy for one second adds 1, whatever fraction of a host core that is.
	CPUSeconds float64
	// MemoryBytes is the current resident memory.
	MemoryBytes uint64
}

// Machine is the app of one instance, started by a Driver.
type Machine interface {
	// Addr is the host:port the app listens on (127.0.0.1 live).
	Addr() string
	// WaitReady blocks until the app answers its health path, exits, or ctx ends.
	WaitReady(ctx context.Context) error
	// Sample reads cumulative CPU and current memory.
	Sample() (Sample, error)
	// SetVCPU changes the CPU allowance (burstable instances out of credits).
	SetVCPU(vcpu float64) error
	// Stop ends the app (SIGTERM, then kill after grace) and releases what it holds.
	Stop(grace time.Duration) error
	// Done is closed when the app has exited.
	Done() <-chan struct{}
	// ExitReason says how the app exited, empty while it runs.
	ExitReason() string
}

// Driver starts Machines. The live adapter wraps a runtime backend; the simulator models.
type Driver interface {
	// Start starts the app of one instance and returns once it exists (not ready yet).
	Start(ctx context.Context, spec MachineSpec) (Machine, error)
}

// Targets is the part of a load balancer the fleet drives: its target registry. The load
// balancer reports health back through Fleet.SetTargetHealth.
type Targets interface {
	// Register adds a target; it receives traffic once its health checks pass.
	Register(id, addr string)
	// Deregister starts draining a target and calls drained once its in-flight requests
	// finished or the deregistration delay elapsed.
	Deregister(id string, drained func())
}

// Credits is the CPU-credit account of one burstable instance (t2/t3/t3a/t4g).
type Credits interface {
	// Account charges usedVCPUSeconds of CPU over an interval of length dt and returns the
	// vCPU allowance for the next interval: the full vCPU count while credits last (or
	// always, in unlimited mode), the baseline once a standard-mode balance is empty.
	Account(dt time.Duration, usedVCPUSeconds float64) (allowanceVCPU float64)
	// SurplusVCPUHours is the surplus (unlimited mode) billed so far.
	SurplusVCPUHours() float64
}

// EventDriver marks a Driver whose Start returns at once and whose machines are
// EventMachines: the simulator's. The fleet then starts apps on the clock's goroutine and
// learns of readiness and exits through callbacks instead of goroutines, so a
// discrete-event loop sees every consequence of an event before the next one and runs
// repeat exactly.
type EventDriver interface {
	Driver
	// EventDriven is a marker; it does nothing.
	EventDriven()
}

// EventMachine is a Machine that reports readiness and exit by callbacks, each called
// once, from a clock callback (never from inside OnReady or OnExit themselves).
type EventMachine interface {
	Machine
	// OnReady registers f to be called when the app is ready (nil) or failed to be (err).
	OnReady(f func(err error))
	// OnExit registers f to be called when the app exits, for whatever reason.
	OnExit(f func())
}
