package lambda

import (
	"errors"
	"fmt"

	"github.com/deploybench/deploybench/platform/fleet"
)

// The event-driven path: with a fleet.EventDriver (the simulator's) the pool runs on the
// clock's goroutine without goroutines or blocking. Acquire becomes AcquireFunc, which
// answers through a callback; the platform init is a Clock.AfterFunc; the app's
// readiness and exit arrive through the machine's OnReady and OnExit. Every decision
// (admission, throttles, scaling rate, billing, keep-alive, replacement) is the live
// path's own code. A discrete-event loop thus sees every consequence of an event before
// the next one, and runs repeat exactly.

// evented reports whether the pool's driver is an EventDriver.
func (p *Pool) evented() bool {
	_, ok := p.o.Driver.(fleet.EventDriver)
	return ok
}

// errNotEvented is AcquireFunc's answer when the driver is not an EventDriver.
var errNotEvented = errors.New("lambda: AcquireFunc needs an event driver; use Acquire")

// AcquireFunc is Acquire for an EventDriver: done receives the environment or the
// refusal (*ThrottleError, *FunctionError, ErrClosed) exactly once, on the clock's
// goroutine and off the pool's lock: at once for a warm environment or a refusal, when
// the INIT ends for a cold start. Every environment it hands out must be given back with
// Release (or Charge and Return).
func (p *Pool) AcquireFunc(done func(*Env, error)) {
	if !p.evented() {
		done(nil, errNotEvented)
		return
	}
	p.mu.Lock()
	e, cold, err := p.admitLocked()
	p.unlock()
	if err != nil || !cold {
		done(e, err)
		return
	}
	p.mu.Lock()
	p.initEvented(e, func(err error) {
		p.mu.Lock()
		e, err := p.coldDoneLocked(e, err)
		p.unlock()
		done(e, err)
	})
	p.unlock()
}

// initEvented runs one environment's INIT as clock events: the platform init, then the
// app's start until OnReady, within the INIT timeout; fin gets the outcome once, off the
// lock. Called with the lock held; everything it starts runs in later clock events, so
// that the callbacks may take the lock.
func (p *Pool) initEvented(e *Env, fin func(error)) {
	p.o.Clock.AfterFunc(max(p.o.PlatformInit, 0), func() { p.startEvented(e, fin) })
}

// startEvented starts the app of an environment whose platform init is over.
func (p *Pool) startEvented(e *Env, fin func(error)) {
	p.mu.Lock()
	gone := p.closed || e.state == stateGone
	p.unlock()
	if gone {
		fin(&FunctionError{Msg: "INIT interrupted", Err: ErrClosed})
		return
	}
	start := p.o.Clock.Now()
	m, err := p.o.Driver.Start(p.ctx, fleet.MachineSpec{
		Name: e.id, InstanceType: fmt.Sprintf("lambda-%dmb", p.o.MemoryMB), VCPU: p.vcpu, MemoryMiB: p.o.MemoryMB,
	})
	if err != nil {
		fin(&FunctionError{Msg: "INIT failed: app did not start", Err: err})
		return
	}
	em, ok := m.(fleet.EventMachine)
	if !ok {
		_ = m.Stop(p.o.StopGrace)
		fin(&FunctionError{Msg: "INIT failed: the event driver's machine has no callbacks"})
		return
	}
	p.mu.Lock()
	if e.state == stateGone { // the pool closed meanwhile
		p.unlock()
		_ = m.Stop(p.o.StopGrace)
		fin(&FunctionError{Msg: "INIT interrupted", Err: ErrClosed})
		return
	}
	e.machine = m
	p.unlock()
	finished := false // only touched on the clock's goroutine
	timeout := p.o.Clock.AfterFunc(p.o.InitTimeout, func() {
		if finished {
			return
		}
		finished = true
		e.initDur = p.o.InitTimeout
		fin(&FunctionError{Msg: fmt.Sprintf("INIT timed out after %v (Runtime.InitTimeout)", p.o.InitTimeout)})
	})
	em.OnExit(func() {
		p.mu.Lock()
		defer p.unlock()
		if !p.closed {
			p.exitedLocked(e, m)
		}
	})
	em.OnReady(func(err error) {
		if finished {
			return
		}
		finished = true
		timeout.Stop()
		e.initDur = p.o.Clock.Now().Sub(start)
		if err != nil {
			fin(&FunctionError{Msg: "INIT failed", Err: err})
			return
		}
		fin(nil)
	})
}

// provisionedEvented ends a provisioned environment's INIT: warm and idle, or
// discarded; a failure is an event (live, Start returns it).
func (p *Pool) provisionedEvented(e *Env, err error) {
	p.mu.Lock()
	defer p.unlock()
	switch {
	case err != nil:
		if !p.closed {
			p.emitLocked("init_failed", e.id, fmt.Sprintf("provisioned environment %s: %v", e.id, err))
		}
		p.discardLocked(e)
	case p.closed:
		p.discardLocked(e)
	default:
		p.emitLocked("provisioned_ready", e.id, "init "+ms(e.initDur))
		p.idleLocked(e)
	}
}

// Charge bills n invocations that a held environment served, of billedMillis in all
// (each already rounded up to the millisecond), without giving it back: the
// aggregated simulator serves a second's requests on environments it holds across
// steps. A cold start's INIT is billed with the first of them, as Release does.
func (p *Pool) Charge(e *Env, n, billedMillis int64) {
	if n <= 0 {
		return
	}
	p.mu.Lock()
	defer p.unlock()
	init := BilledMillis(e.unbilledInit)
	if e.provisioned {
		p.meter.ProvisionedInvocations += n
		p.meter.ProvisionedBilledMillis += billedMillis + init
	} else {
		p.meter.Invocations += n
		p.meter.BilledMillis += billedMillis + init
		p.meter.InitBilledMillis += init
	}
	e.unbilledInit = 0
	e.cold = false
}

// Return gives back a held environment without billing an invocation (Charge billed
// what it served); it stays warm, as after a successful invocation.
func (p *Pool) Return(e *Env) {
	p.mu.Lock()
	defer p.unlock()
	p.returnLocked(e, 0, Succeeded)
}
