package fleettest

import (
	"context"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
)

// EventDriver is a fleet.EventDriver in the simulator's style: apps become ready
// ReadyDelay after they start and exit when crashed, both as clock events, so tests on a
// fake clock need no polling at all.
type EventDriver struct {
	clock platform.Clock
	delay time.Duration

	mu       sync.Mutex
	machines map[string]*EventMachine
}

// NewEventDriver returns an event driver on clock whose apps take readyDelay to start.
func NewEventDriver(clock platform.Clock, readyDelay time.Duration) *EventDriver {
	return &EventDriver{clock: clock, delay: readyDelay, machines: map[string]*EventMachine{}}
}

// EventDriven implements fleet.EventDriver.
func (d *EventDriver) EventDriven() {}

// Start implements fleet.Driver.
func (d *EventDriver) Start(ctx context.Context, spec fleet.MachineSpec) (fleet.Machine, error) {
	m := &EventMachine{d: d, Machine: &Machine{spec: spec, done: make(chan struct{}), ready: make(chan struct{}), vcpu: spec.VCPU}}
	close(m.ready)
	d.mu.Lock()
	d.machines[spec.Name] = m
	d.mu.Unlock()
	return m, nil
}

// Machine returns the machine of instance id, or nil.
func (d *EventDriver) Machine(id string) *EventMachine {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.machines[id]
}

// EventMachine is a fake app reporting readiness and exit as clock events.
type EventMachine struct {
	*Machine
	d *EventDriver

	mu     sync.Mutex
	onExit func()
}

// OnReady implements fleet.EventMachine.
func (m *EventMachine) OnReady(f func(error)) { m.d.clock.AfterFunc(m.d.delay, func() { f(nil) }) }

// OnExit implements fleet.EventMachine.
func (m *EventMachine) OnExit(f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.onExit = f
}

// Crash makes the app exit on its own; the fleet hears of it at the next clock step.
func (m *EventMachine) Crash() {
	m.Machine.Crash()
	m.mu.Lock()
	f := m.onExit
	m.onExit = nil
	m.mu.Unlock()
	if f != nil {
		m.d.clock.AfterFunc(0, f)
	}
}

// Stop implements fleet.Machine; like a real exit, it is reported through OnExit.
func (m *EventMachine) Stop(grace time.Duration) error {
	err := m.Machine.Stop(grace)
	m.mu.Lock()
	f := m.onExit
	m.onExit = nil
	m.mu.Unlock()
	if f != nil {
		m.d.clock.AfterFunc(0, f)
	}
	return err
}
