package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/fleet"
)

// fakeDriver starts fakeMachines; the cloud API is the one thing tests must fake.
type fakeDriver struct {
	mu       sync.Mutex
	machines map[string]*fakeMachine
	failNext bool
	notReady bool // machines never become ready
}

func newFakeDriver() *fakeDriver { return &fakeDriver{machines: map[string]*fakeMachine{}} }

func (d *fakeDriver) Start(ctx context.Context, spec fleet.MachineSpec) (fleet.Machine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failNext {
		d.failNext = false
		return nil, errors.New("no capacity")
	}
	m := &fakeMachine{spec: spec, done: make(chan struct{}), ready: make(chan struct{}), vcpu: spec.VCPU}
	if !d.notReady {
		close(m.ready)
	}
	d.machines[spec.Name] = m
	return m, nil
}

func (d *fakeDriver) machine(id string) *fakeMachine {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.machines[id]
}

type fakeMachine struct {
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

func (m *fakeMachine) Addr() string { return "127.0.0.1:" + m.spec.Name }

func (m *fakeMachine) WaitReady(ctx context.Context) error {
	select {
	case <-m.ready:
		return nil
	case <-m.done:
		return errors.New("exited")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// burn adds CPU seconds at time at (the tests' fake clock time).
func (m *fakeMachine) burn(at time.Time, cpuSeconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cpu += cpuSeconds
	m.at = at
}

func (m *fakeMachine) Sample() (fleet.Sample, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fleet.Sample{At: m.at, CPUSeconds: m.cpu, MemoryBytes: 64 << 20}, nil
}

func (m *fakeMachine) SetVCPU(v float64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.vcpu = v
	return nil
}

func (m *fakeMachine) allowance() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.vcpu
}

func (m *fakeMachine) Stop(grace time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopped++
	if m.reason == "" {
		m.reason = "signal: terminated"
		close(m.done)
	}
	return nil
}

// crash makes the app exit on its own.
func (m *fakeMachine) crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.reason == "" {
		m.reason = "exit 2"
		close(m.done)
	}
}

func (m *fakeMachine) stops() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stopped
}

func (m *fakeMachine) Done() <-chan struct{} { return m.done }

func (m *fakeMachine) ExitReason() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reason
}

// fakeTargets records registrations; drains complete when the test says so.
type fakeTargets struct {
	mu       sync.Mutex
	regs     []string
	deregs   []string
	draining map[string]func()
}

func (t *fakeTargets) Register(id, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.regs = append(t.regs, id)
}

func (t *fakeTargets) Deregister(id string, drained func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deregs = append(t.deregs, id)
	if t.draining == nil {
		t.draining = map[string]func(){}
	}
	t.draining[id] = drained
}

func (t *fakeTargets) finishDrain(id string) {
	t.mu.Lock()
	fn := t.draining[id]
	delete(t.draining, id)
	t.mu.Unlock()
	if fn != nil {
		fn()
	}
}

func (t *fakeTargets) registered() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.regs...)
}

func (t *fakeTargets) deregistered() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.deregs...)
}

// eventually polls cond until it holds or a deadline passes: app starts run on their own
// goroutines even under a fake clock.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// states renders the fleet's instances as "id:state" for compact assertions.
func states(f *fleet.Fleet) string {
	s := ""
	for _, in := range f.Instances() {
		if s != "" {
			s += " "
		}
		s += fmt.Sprintf("%s:%s", in.ID, in.State)
	}
	return s
}
