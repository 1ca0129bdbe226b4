// Package fleettest provides a fake fleet.Driver and fleet.Targets for tests of the
// lifecycle and of the platform models: machines that are ready at once (or never), burn
// CPU on command, crash on command and count their stops. The cloud API is the one thing
// tests must fake; everything else in the tests is real.
package fleettest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
)

// Driver starts Machines. The zero value is not usable; call NewDriver.
type Driver struct {
	mu       sync.Mutex
	machines map[string]*Machine
	failNext bool
	notReady bool
}

// NewDriver returns a driver whose machines are ready as soon as they start.
func NewDriver() *Driver { return &Driver{machines: map[string]*Machine{}} }

// FailNextStart makes the next Start fail, as an app that cannot be started.
func (d *Driver) FailNextStart() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failNext = true
}

// NeverReady makes machines started from now on never become ready.
func (d *Driver) NeverReady() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.notReady = true
}

// Start implements fleet.Driver.
func (d *Driver) Start(ctx context.Context, spec fleet.MachineSpec) (fleet.Machine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failNext {
		d.failNext = false
		return nil, errors.New("no capacity")
	}
	m := &Machine{spec: spec, done: make(chan struct{}), ready: make(chan struct{}), vcpu: spec.VCPU}
	if !d.notReady {
		close(m.ready)
	}
	d.machines[spec.Name] = m
	return m, nil
}

// Machine returns the machine started for instance id, or nil.
func (d *Driver) Machine(id string) *Machine {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.machines[id]
}

// Started counts the machines started so far.
func (d *Driver) Started() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.machines)
}

// Machine is a fake app instance.
type Machine struct {
	spec  fleet.MachineSpec
	ready chan struct{}
	done  chan struct{}

	mu      sync.Mutex
	cpu     float64
	at      time.Time
	vcpu    float64
	stopped int
	reason  string
}

// Addr implements fleet.Machine with a fake address naming the instance.
func (m *Machine) Addr() string { return "127.0.0.1:" + m.spec.Name }

// WaitReady implements fleet.Machine.
func (m *Machine) WaitReady(ctx context.Context) error {
	select {
	case <-m.ready:
		return nil
	case <-m.done:
		return errors.New("exited")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Burn adds cpuSeconds of emulated vCPU time, as measured at time at.
func (m *Machine) Burn(at time.Time, cpuSeconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cpu += cpuSeconds
	m.at = at
}

// Sample implements fleet.Machine.
func (m *Machine) Sample() (fleet.Sample, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fleet.Sample{At: m.at, CPUSeconds: m.cpu, MemoryBytes: 64 << 20}, nil
}

// SetVCPU implements fleet.Machine.
func (m *Machine) SetVCPU(v float64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.vcpu = v
	return nil
}

// Allowance returns the vCPU allowance last set.
func (m *Machine) Allowance() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.vcpu
}

// Stop implements fleet.Machine; it counts calls.
func (m *Machine) Stop(grace time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopped++
	if m.reason == "" {
		m.reason = "signal: terminated"
		close(m.done)
	}
	return nil
}

// Crash makes the app exit on its own with status 2.
func (m *Machine) Crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.reason == "" {
		m.reason = "exit 2"
		close(m.done)
	}
}

// Stops counts Stop calls.
func (m *Machine) Stops() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stopped
}

// Done implements fleet.Machine.
func (m *Machine) Done() <-chan struct{} { return m.done }

// ExitReason implements fleet.Machine.
func (m *Machine) ExitReason() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reason
}

// Targets records registrations; drains complete when the test calls FinishDrain.
type Targets struct {
	mu       sync.Mutex
	regs     []string
	deregs   []string
	draining map[string]func()
}

// Register implements fleet.Targets.
func (t *Targets) Register(id, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.regs = append(t.regs, id)
}

// Deregister implements fleet.Targets; the drain completes on FinishDrain.
func (t *Targets) Deregister(id string, drained func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deregs = append(t.deregs, id)
	if t.draining == nil {
		t.draining = map[string]func(){}
	}
	t.draining[id] = drained
}

// FinishDrain completes the drain of id.
func (t *Targets) FinishDrain(id string) {
	t.mu.Lock()
	fn := t.draining[id]
	delete(t.draining, id)
	t.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// Registered returns the IDs registered so far, in order.
func (t *Targets) Registered() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.regs...)
}

// Deregistered returns the IDs deregistered so far, in order.
func (t *Targets) Deregistered() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.deregs...)
}

// Eventually polls cond until it holds or 5 s pass: app starts run on their own
// goroutines even under a fake clock, so tests wait for them with a deadline.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// States renders a fleet's instances as "id:state ..." for compact assertions.
func States(f *fleet.Fleet) string {
	s := ""
	for _, in := range f.Instances() {
		if s != "" {
			s += " "
		}
		s += fmt.Sprintf("%s:%s", in.ID, in.State)
	}
	return s
}

// CheckEvents fails t unless the kinds appear in evs in this order (others may come
// between them).
func CheckEvents(t testing.TB, evs []platform.Event, kinds ...string) {
	t.Helper()
	i := 0
	for _, e := range evs {
		if i < len(kinds) && e.Kind == kinds[i] {
			i++
		}
	}
	if i < len(kinds) {
		t.Errorf("events lack %q (in order %v); got:", kinds[i], kinds)
		for _, e := range evs {
			t.Logf("  %s %s %s %s", e.At.Format("15:04:05.000"), e.Kind, e.Instance, e.Detail)
		}
	}
}
