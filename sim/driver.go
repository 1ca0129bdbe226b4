package sim

import (
	"context"

	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/sim/calibration"
	"github.com/deploybench/deploybench/sim/engine"
)

// Driver starts modelled machines on the engine: the simulator's fleet.EventDriver.
type Driver struct {
	eng *engine.Engine
	cal *calibration.Calibration
	cpu CPUModel
	// curve scales a request's CPU work with its machine's load (calibration.LoadCurve),
	// computed once: Arrive is the hot path.
	curve calibration.LoadCurve
	done  Completer
	byID  map[string]*Machine
	// Started lists every machine started, in order.
	Started []*Machine
}

var _ fleet.EventDriver = (*Driver)(nil)

// NewDriver returns a driver whose machines run on eng with the calibration's start-up
// time, under cpu, and report finished requests to done.
func NewDriver(eng *engine.Engine, cal *calibration.Calibration, cpu CPUModel, done Completer) *Driver {
	if cpu.Period <= 0 {
		cpu.Period = DefaultCFSPeriod
	}
	if cpu.VCPUFraction <= 0 {
		cpu.VCPUFraction = 1
	}
	return &Driver{eng: eng, cal: cal, cpu: cpu, curve: cal.LoadCurve(), done: done, byID: map[string]*Machine{}}
}

// EventDriven implements fleet.EventDriver.
func (d *Driver) EventDriven() {}

// Start implements fleet.Driver: the machine exists at once and is ready after the
// calibrated start-up time.
func (d *Driver) Start(_ context.Context, spec fleet.MachineSpec) (fleet.Machine, error) {
	m := &Machine{d: d, spec: spec, period: int64(d.cpu.Period), started: d.eng.Nanos(), last: d.eng.Nanos(),
		next: -1, done: make(chan struct{}), jobs: make([]job, 0, 16), arrWin: d.eng.Nanos()}
	m.hid = d.eng.AddHandler(m)
	m.servers = max(0, d.cpu.Servers)
	m.setAllowance(spec.VCPU)
	m.rollPeriod(m.started)
	d.byID[spec.Name] = m
	d.Started = append(d.Started, m)
	return m, nil
}

// Machine returns the machine of instance id, or nil.
func (d *Driver) Machine(id string) *Machine { return d.byID[id] }
