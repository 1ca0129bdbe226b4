package fleet

import (
	"context"
	"time"
)

// running: EC2 reports the instance running; the OS boots next.
func (f *Fleet) running(in *instance) {
	f.mu.Lock()
	defer f.unlock()
	if in.state != Pending || !f.move(in, Booting) {
		return
	}
	f.emitLocked("running", in.id, "")
	in.timer = f.o.Clock.AfterFunc(f.o.BootDelay, func() { f.booted(in) })
}

// booted: the OS is up; start the app.
func (f *Fleet) booted(in *instance) {
	f.mu.Lock()
	defer f.unlock()
	if in.state != Booting || !f.move(in, Starting) {
		return
	}
	f.emitLocked("boot_done", in.id, "launch→boot "+fmtDur(f.o.Clock.Now().Sub(in.launchedAt)))
	if _, ok := f.o.Driver.(EventDriver); ok {
		f.queue = append(f.queue, func() { f.startEvented(in) })
		return
	}
	ctx, cancel := context.WithCancel(f.ctx)
	in.cancelWait = cancel
	f.wg.Add(1)
	go f.startApp(ctx, in)
}

// startApp starts the machine and waits for the app to be ready, off the lock.
func (f *Fleet) startApp(ctx context.Context, in *instance) {
	defer f.wg.Done()
	exec := f.o.Clock.Now()
	m, err := f.o.Driver.Start(f.ctx, f.spec(in))
	f.mu.Lock()
	if !f.startedLocked(in, m, err) {
		f.unlock()
		return
	}
	f.wg.Add(1)
	go f.watch(in, m)
	f.unlock()

	err = m.WaitReady(ctx)

	f.mu.Lock()
	defer f.unlock()
	if err != nil && isDone(m) {
		return // the exit watcher replaces it
	}
	f.readyLocked(in, m, exec, err)
}

// startEvented starts the machine of an EventDriver on the clock's goroutine and lets
// its callbacks, which the simulator runs as clock events, drive the rest.
func (f *Fleet) startEvented(in *instance) {
	exec := f.o.Clock.Now()
	m, err := f.o.Driver.Start(f.ctx, f.spec(in))
	f.mu.Lock()
	defer f.unlock()
	if !f.startedLocked(in, m, err) {
		return
	}
	em := m.(EventMachine)
	em.OnExit(func() {
		f.mu.Lock()
		defer f.unlock()
		f.exitedLocked(in, m)
	})
	em.OnReady(func(err error) {
		f.mu.Lock()
		defer f.unlock()
		f.readyLocked(in, m, exec, err)
	})
}

func (f *Fleet) spec(in *instance) MachineSpec {
	return MachineSpec{Name: in.id, InstanceType: f.o.InstanceType, VCPU: f.o.VCPU, MemoryMiB: f.o.MemoryMiB}
}

// startedLocked records the outcome of Driver.Start and reports whether the instance
// goes on to wait for its app.
func (f *Fleet) startedLocked(in *instance, m Machine, err error) bool {
	if err != nil {
		if in.state == Starting {
			f.emitLocked("start_failed", in.id, err.Error())
			f.replaceLocked(in, "app failed to start")
		}
		return false
	}
	in.machine = m
	if in.state != Starting { // terminated while starting
		f.stopMachineLocked(in)
		return false
	}
	return true
}

// readyLocked handles the end of the app's start: registration with the load balancer
// (or service at once without one), or replacement when it never became ready.
func (f *Fleet) readyLocked(in *instance, m Machine, exec time.Time, err error) {
	if in.state != Starting {
		return
	}
	if err != nil {
		f.emitLocked("ready_failed", in.id, err.Error())
		f.replaceLocked(in, "app not ready")
		return
	}
	f.emitLocked("app_ready", in.id, "exec→ready "+fmtDur(f.o.Clock.Now().Sub(exec)))
	if f.o.Targets == nil {
		f.inServiceLocked(in)
		return
	}
	in.registered = true
	id, addr := in.id, m.Addr()
	f.queue = append(f.queue, func() { f.o.Targets.Register(id, addr) })
	f.emitLocked("registered", in.id, addr)
}

func (f *Fleet) inServiceLocked(in *instance) {
	if !f.move(in, InService) {
		return
	}
	in.inServiceAt = f.o.Clock.Now()
	f.emitLocked("in_service", in.id, "launch→in service "+fmtDur(in.inServiceAt.Sub(in.launchedAt)))
}

// watch replaces the instance if its app exits on its own: to EC2 health checks an app
// that is gone is an instance that is gone, so no grace period applies.
func (f *Fleet) watch(in *instance, m Machine) {
	defer f.wg.Done()
	select {
	case <-m.Done():
	case <-f.ctx.Done():
		return
	}
	f.mu.Lock()
	defer f.unlock()
	f.exitedLocked(in, m)
}

func (f *Fleet) exitedLocked(in *instance, m Machine) {
	if in.state == Terminated || (in.stopCalled && !in.unhealthy) {
		return
	}
	in.unhealthy = true
	f.emitLocked("exit", in.id, m.ExitReason())
	f.replaceLocked(in, "app exited: "+m.ExitReason())
}

// SetTargetHealth is how the load balancer reports a target's health to the fleet: the
// first healthy report puts an instance in service; unhealthy reports replace it (health
// check type ELB) once its health check grace period is over.
func (f *Fleet) SetTargetHealth(id string, healthy bool) {
	f.mu.Lock()
	defer f.unlock()
	in := f.findLocked(id)
	if in == nil || in.state == Terminated || in.state == Draining {
		return
	}
	if healthy {
		if in.unhealthy {
			f.emitLocked("healthy", id, "recovered")
		}
		in.unhealthy = false
		if in.state == Starting && in.registered {
			f.emitLocked("healthy", id, "")
			f.inServiceLocked(in)
		}
		return
	}
	if !in.unhealthy {
		f.emitLocked("unhealthy", id, "")
	}
	in.unhealthy = true
	if f.o.ELBHealth {
		f.checkHealthLocked(in)
	}
}

// checkHealthLocked replaces an unhealthy instance, or waits for its grace period to end.
func (f *Fleet) checkHealthLocked(in *instance) {
	if !in.unhealthy || in.replacing || in.state >= Draining {
		return
	}
	left := in.launchedAt.Add(f.o.HealthCheckGrace).Sub(f.o.Clock.Now())
	if left > 0 {
		if in.timer != nil {
			in.timer.Stop()
		}
		in.timer = f.o.Clock.AfterFunc(left, func() {
			f.mu.Lock()
			defer f.unlock()
			f.checkHealthLocked(in)
		})
		return
	}
	f.replaceLocked(in, "unhealthy")
}

// replaceLocked removes a failed instance and launches its replacement.
func (f *Fleet) replaceLocked(in *instance, why string) {
	if in.replacing || in.state == Terminated {
		return
	}
	if f.o.NoReplacement {
		if !in.unhealthy {
			in.unhealthy = true
			f.emitLocked("unhealthy", in.id, why)
		}
		return
	}
	in.replacing = true
	f.emitLocked("replace", in.id, why)
	f.drainLocked(in, why)
	f.reconcileLocked()
}

// drainLocked deregisters a registered instance and terminates it once drained; other
// instances are terminated at once.
func (f *Fleet) drainLocked(in *instance, why string) {
	if in.state >= Draining {
		return
	}
	if !in.registered || f.o.Targets == nil || f.closed {
		f.terminateLocked(in)
		return
	}
	dead := in.machine != nil && isDone(in.machine)
	f.move(in, Draining)
	f.emitLocked("drain", in.id, why)
	id := in.id
	f.queue = append(f.queue, func() {
		f.o.Targets.Deregister(id, func() {
			f.mu.Lock()
			defer f.unlock()
			f.terminateLocked(in)
		})
	})
	if dead { // nothing in flight can finish on an app that is gone
		f.terminateLocked(in)
	}
}

// terminateLocked ends an instance's life and its billing.
func (f *Fleet) terminateLocked(in *instance) {
	if in.state == Terminated {
		return
	}
	if in.timer != nil {
		in.timer.Stop()
	}
	if in.cancelWait != nil {
		in.cancelWait()
	}
	if in.registered && in.state != Draining && f.o.Targets != nil && !f.closed {
		id := in.id
		f.queue = append(f.queue, func() { f.o.Targets.Deregister(id, func() {}) })
	}
	f.move(in, Terminated)
	now := f.o.Clock.Now()
	f.records[in.rec].EndedAt = f.PlatformTime(now)
	if in.credits != nil {
		f.records[in.rec].SurplusVCPUHours = in.credits.SurplusVCPUHours()
	}
	f.emitLocked("terminate", in.id, "lived "+fmtDur(now.Sub(in.launchedAt)))
	f.stopMachineLocked(in)
}

func (f *Fleet) stopMachineLocked(in *instance) {
	if in.machine == nil || in.stopCalled {
		return
	}
	in.stopCalled = true
	m, grace := in.machine, f.o.StopGrace
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		_ = m.Stop(grace) // the exit reason is recorded by the watcher; cleanup is best effort
	}()
}

func (f *Fleet) findLocked(id string) *instance {
	for _, in := range f.insts {
		if in.id == id {
			return in
		}
	}
	return nil
}

func isDone(m Machine) bool {
	select {
	case <-m.Done():
		return true
	default:
		return false
	}
}

// fmtDur prints a duration rounded for timelines.
func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}
