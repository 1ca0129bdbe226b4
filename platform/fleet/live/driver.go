package live

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/runtime"
)

// App is the app every instance runs.
type App struct {
	// Command is the argv; "{port}" is replaced by the instance's port.
	Command []string
	// Image is the container image (container backends only).
	Image string
	// Env adds environment variables.
	Env map[string]string
	// HealthPath is polled for readiness, e.g. "/healthz".
	HealthPath string
	// StartupTimeout bounds exec → ready; 0 means 60 s.
	StartupTimeout time.Duration
}

// DefaultStartupTimeout bounds how long an app may take from exec to ready.
const DefaultStartupTimeout = 60 * time.Second

// Driver starts fleet machines on a runtime backend.
type Driver struct {
	backend  runtime.Backend
	app      App
	fraction float64
	labels   map[string]string
}

// NewDriver returns a driver running app on backend. vcpuFraction is the share of a host
// core one emulated vCPU gets on that backend (the same number the backend was built
// with); it converts host CPU seconds into emulated vCPU-seconds. labels are added to
// every instance (e.g. the platform name).
func NewDriver(backend runtime.Backend, app App, vcpuFraction float64, labels map[string]string) (*Driver, error) {
	switch {
	case backend == nil:
		return nil, errors.New("live: NewDriver: backend is nil")
	case len(app.Command) == 0 && app.Image == "":
		return nil, errors.New("live: NewDriver: app has neither a command nor an image")
	case !(vcpuFraction > 0):
		return nil, fmt.Errorf("live: NewDriver: vcpu fraction %v must be > 0", vcpuFraction)
	}
	if app.StartupTimeout <= 0 {
		app.StartupTimeout = DefaultStartupTimeout
	}
	return &Driver{backend: backend, app: app, fraction: vcpuFraction, labels: labels}, nil
}

// Start implements fleet.Driver.
func (d *Driver) Start(ctx context.Context, spec fleet.MachineSpec) (fleet.Machine, error) {
	labels := maps.Clone(d.labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels["instance"] = spec.Name
	labels["instance_type"] = spec.InstanceType
	inst, err := d.backend.Start(ctx, runtime.Spec{
		Name: spec.Name, Command: d.app.Command, Env: d.app.Env, Image: d.app.Image,
		HealthPath: d.app.HealthPath, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB, Labels: labels,
	})
	if err != nil {
		return nil, err
	}
	return &machine{inst: inst, fraction: d.fraction, timeout: d.app.StartupTimeout}, nil
}

// machine adapts a runtime.Instance to fleet.Machine.
type machine struct {
	inst     runtime.Instance
	fraction float64
	timeout  time.Duration
}

func (m *machine) Addr() string                   { return m.inst.Addr() }
func (m *machine) SetVCPU(v float64) error        { return m.inst.SetVCPU(v) }
func (m *machine) Stop(grace time.Duration) error { return m.inst.Stop(grace) }
func (m *machine) Done() <-chan struct{}          { return m.inst.Done() }
func (m *machine) ExitReason() string             { return m.inst.ExitReason() }

// WaitReady bounds the wait by the app's startup timeout.
func (m *machine) WaitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	if err := m.inst.WaitReady(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("app not ready within the startup timeout %v: %w", m.timeout, err)
		}
		return err
	}
	return nil
}

// Sample converts host CPU seconds to emulated vCPU-seconds, with the backend's own vCPU
// fraction when it reports one, the driver's otherwise.
func (m *machine) Sample() (fleet.Sample, error) {
	u, err := m.inst.Usage()
	if err != nil {
		return fleet.Sample{}, err
	}
	cpu := u.VCPUSeconds()
	if u.VCPUFraction <= 0 {
		cpu = u.CPUSeconds / m.fraction
	}
	return fleet.Sample{At: u.At, CPUSeconds: cpu, MemoryBytes: u.MemoryBytes}, nil
}

// AppFromSpec takes the app fields (command, image, env, health path) of a runtime.Spec
// template, the form the runner holds the scenario's app in.
func AppFromSpec(s runtime.Spec, startupTimeout time.Duration) App {
	return App{Command: s.Command, Image: s.Image, Env: s.Env, HealthPath: s.HealthPath, StartupTimeout: startupTimeout}
}
