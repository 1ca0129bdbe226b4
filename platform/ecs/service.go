package ecs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
)

// ServiceOptions wires a Service. Every delay is clock time (already compressed).
type ServiceOptions struct {
	// Clock, Driver, Capacity and Log are required.
	Clock    platform.Clock
	Driver   fleet.Driver
	Capacity Capacity
	Log      *Log
	// Targets is the target group; nil means tasks are RUNNING once their app is ready.
	Targets fleet.Targets
	// Prefix starts task IDs: Prefix + "-" + sequence number.
	Prefix string
	// VCPU and MemoryMiB are each task's reservation, and the limits of its process.
	VCPU      float64
	MemoryMiB int
	// Arch and Spot go into the tasks' billing records.
	Arch string
	Spot bool
	// HealthCheckGrace is how long after a task starts its failed ELB health checks are
	// ignored (healthCheckGracePeriodSeconds).
	HealthCheckGrace time.Duration
	// SampleInterval is the CPU sampling period (1 s when zero); not compressed.
	SampleInterval time.Duration
	// StopGrace is how long an app gets after SIGTERM (DefaultStopGrace when zero).
	StopGrace time.Duration
	// Timescale converts clock time to platform time for billing records (0 means 1).
	Timescale float64
	// OnSample receives every RUNNING task's CPU (% of its reservation) at every sample:
	// the per-task series of ECSServiceAverageCPUUtilization.
	OnSample func(id string, at time.Time, cpuPct float64)
}

// Service is the ECS service scheduler: it holds the desired count of tasks, places them
// on its Capacity, runs each task's lifecycle, replaces tasks that stop on their own or
// fail their health checks, samples their CPU and records what Fargate bills. Safe for
// concurrent use; target-group and capacity calls are made off its lock, in order.
type Service struct {
	o      ServiceOptions
	ctx    context.Context
	cancel context.CancelFunc
	origin time.Time

	mu       sync.Mutex
	seq      int
	desired  int
	closed   bool
	tasks    []*task    // tasks not yet STOPPED, in creation order
	stopped  []TaskInfo // STOPPED tasks, kept as snapshots so scans stay short
	records  []platform.TaskRecord
	sampler  platform.Timer
	queue    []func()
	flushing bool

	wg sync.WaitGroup
}

type task struct {
	id         string
	state      TaskState
	place      Placement
	createdAt  time.Time
	startedAt  time.Time // app exec
	runningAt  time.Time
	timer      platform.Timer
	machine    fleet.Machine
	cancelWait context.CancelFunc
	registered bool
	stopCalled bool
	crashed    bool
	unhealthy  bool
	stopGrace  time.Duration
	rec        int // index in records, -1 before the pull starts
	last       fleet.Sample
	haveLast   bool
	haveCPU    bool
	cpu        float64
	mem        uint64
	reason     string
}

// NewService returns a service with desired 0 whose CPU sampler runs until Close.
func NewService(o ServiceOptions) (*Service, error) {
	switch {
	case o.Clock == nil || o.Driver == nil || o.Capacity == nil || o.Log == nil:
		return nil, errors.New("ecs: ServiceOptions: Clock, Driver, Capacity and Log are required")
	case !(o.VCPU > 0) || o.MemoryMiB <= 0:
		return nil, fmt.Errorf("ecs: ServiceOptions: task size %v vCPU / %d MiB must be positive", o.VCPU, o.MemoryMiB)
	}
	if o.Prefix == "" {
		o.Prefix = "task"
	}
	if o.SampleInterval <= 0 {
		o.SampleInterval = fleet.DefaultSampleInterval
	}
	if o.StopGrace <= 0 {
		o.StopGrace = DefaultStopGrace
	}
	if o.Timescale <= 0 {
		o.Timescale = 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{o: o, ctx: ctx, cancel: cancel, origin: o.Clock.Now()}
	s.mu.Lock()
	s.sampler = o.Clock.AfterFunc(o.SampleInterval, s.sample)
	s.mu.Unlock()
	return s, nil
}

// unlock releases mu, then runs the callbacks queued under it, in order.
func (s *Service) unlock() {
	if s.flushing {
		s.mu.Unlock()
		return
	}
	s.flushing = true
	for len(s.queue) > 0 {
		q := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, fn := range q {
			fn()
		}
		s.mu.Lock()
	}
	s.flushing = false
	s.mu.Unlock()
}

// PlatformTime maps a clock time to uncompressed platform time (for billing).
func (s *Service) PlatformTime(t time.Time) time.Time {
	if s.o.Timescale == 1 {
		return t
	}
	return s.origin.Add(time.Duration(float64(t.Sub(s.origin)) * s.o.Timescale))
}

func (s *Service) emit(kind, id, detail string) { s.o.Log.Emit(kind, id, detail) }

// SetDesired sets the desired task count (≥ 0) and starts or stops tasks to meet it.
func (s *Service) SetDesired(n int) {
	s.mu.Lock()
	defer s.unlock()
	s.desired = max(n, 0)
	s.reconcileLocked()
}

// Desired returns the desired task count.
func (s *Service) Desired() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.desired
}

// Running returns the number of RUNNING tasks.
func (s *Service) Running() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.tasks {
		if t.state == Running {
			n++
		}
	}
	return n
}

// reconcileLocked starts tasks up to desired, or stops the excess: tasks not yet running
// first (PROVISIONING, then the least advanced), then the newest running tasks.
func (s *Service) reconcileLocked() {
	if s.closed {
		return
	}
	var active []*task
	for _, t := range s.tasks {
		if t.state < Deactivating {
			active = append(active, t)
		}
	}
	for n := len(active); n < s.desired; n++ {
		s.seq++
		t := &task{id: fmt.Sprintf("%s-%d", s.o.Prefix, s.seq), createdAt: s.o.Clock.Now(), rec: -1}
		s.tasks = append(s.tasks, t)
		s.emit("task_provisioning", t.id, "")
	}
	for excess := len(active) - s.desired; excess > 0; excess-- {
		victim := active[0]
		for _, t := range active {
			if t.state < Deactivating && (victim.state >= Deactivating || t.state < victim.state ||
				(t.state == victim.state && t.createdAt.After(victim.createdAt))) {
				victim = t
			}
		}
		s.stopTaskLocked(victim, "Scaling activity initiated by the service", false)
	}
	s.placeLocked()
}

// PlaceWaiting places tasks waiting in PROVISIONING where capacity now allows; the
// capacity calls it when an instance registers or a reservation is released.
func (s *Service) PlaceWaiting() {
	s.mu.Lock()
	defer s.unlock()
	s.placeLocked()
}

func (s *Service) placeLocked() {
	if s.closed {
		return
	}
	waiting := 0
	blocked := false
	for _, t := range s.tasks {
		if t.state != Provisioning {
			continue
		}
		if !blocked {
			p, ok := s.o.Capacity.Place(t.id)
			if ok {
				s.placedLocked(t, p)
				continue
			}
			blocked = true // tasks are the same size: if one does not fit, none does
		}
		waiting++
	}
	s.o.Capacity.SetWaiting(waiting)
}

func (s *Service) placedLocked(t *task, p Placement) {
	t.state, t.place = Pending, p
	where := "fargate"
	if p.Host != "" {
		where = p.Host
	}
	s.emit("task_placed", t.id, fmt.Sprintf("%s after %s in PROVISIONING", where, fmtDur(s.o.Clock.Now().Sub(t.createdAt))))
	if p.Provision > 0 {
		t.timer = s.o.Clock.AfterFunc(p.Provision, func() {
			s.mu.Lock()
			defer s.unlock()
			if t.state == Pending {
				s.pullLocked(t)
			}
		})
		return
	}
	s.pullLocked(t)
}

// pullLocked starts the image pull: from here the task is billed on Fargate.
func (s *Service) pullLocked(t *task) {
	now := s.o.Clock.Now()
	t.rec = len(s.records)
	s.records = append(s.records, platform.TaskRecord{ID: t.id, VCPU: s.o.VCPU, MemoryGB: float64(s.o.MemoryMiB) / 1024,
		Arch: s.o.Arch, Spot: s.o.Spot, StartedAt: s.PlatformTime(now)})
	switch {
	case t.place.Cached:
		s.emit("task_pull", t.id, "image cached on "+t.place.Host)
	case t.place.PullShared:
		s.emit("task_pull", t.id, "waiting "+fmtDur(t.place.Pull)+" for the pull under way on "+t.place.Host)
	default:
		s.emit("task_pull", t.id, "image pull "+fmtDur(t.place.Pull))
	}
	if t.place.Pull > 0 {
		t.timer = s.o.Clock.AfterFunc(t.place.Pull, func() {
			s.mu.Lock()
			defer s.unlock()
			if t.state == Pending {
				s.startLocked(t)
			}
		})
		return
	}
	s.startLocked(t)
}

// startLocked starts the task's app, off the lock.
func (s *Service) startLocked(t *task) {
	t.state = Activating
	t.startedAt = s.o.Clock.Now()
	if s.evented() {
		s.queue = append(s.queue, func() { s.startEvented(t) })
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	t.cancelWait = cancel
	s.wg.Add(1)
	go s.startApp(ctx, t)
}

func (s *Service) startApp(ctx context.Context, t *task) {
	defer s.wg.Done()
	m, err := s.o.Driver.Start(s.ctx, s.spec(t))
	s.mu.Lock()
	if !s.startedLocked(t, m, err) {
		s.unlock()
		return
	}
	s.wg.Add(1)
	go s.watch(t, m)
	s.unlock()

	err = m.WaitReady(ctx)

	s.mu.Lock()
	defer s.unlock()
	if err != nil && t.state == Activating && isDone(m) {
		return // the watcher stops it with the exit reason
	}
	s.readyLocked(t, m, err)
}

// evented reports whether the driver is the simulator's kind: apps are then started on
// the clock's goroutine and report readiness and exit by callbacks, so that a
// discrete-event loop sees every consequence of an event before the next one.
func (s *Service) evented() bool {
	_, ok := s.o.Driver.(fleet.EventDriver)
	return ok
}

// startEvented starts the task's app with an EventDriver, on the clock's goroutine (from
// the queue, off the lock), and lets the machine's callbacks drive the rest: the same
// steps as startApp and watch, without goroutines.
func (s *Service) startEvented(t *task) {
	m, err := s.o.Driver.Start(s.ctx, s.spec(t))
	s.mu.Lock()
	defer s.unlock()
	if !s.startedLocked(t, m, err) {
		return
	}
	em, ok := m.(fleet.EventMachine)
	if !ok {
		s.emit("task_start_failed", t.id, "event driver returned a machine without callbacks")
		s.stopTaskLocked(t, "CannotStartContainerError: not an event machine", true)
		return
	}
	em.OnExit(func() {
		s.mu.Lock()
		defer s.unlock()
		s.exitedLocked(t, m)
	})
	em.OnReady(func(err error) {
		s.mu.Lock()
		defer s.unlock()
		if err != nil && t.state == Activating && isDone(m) {
			return // OnExit stops it with the exit reason
		}
		s.readyLocked(t, m, err)
	})
}

func (s *Service) spec(t *task) fleet.MachineSpec {
	hostType := t.place.HostType
	if hostType == "" {
		hostType = "fargate"
	}
	return fleet.MachineSpec{Name: t.id, InstanceType: hostType, VCPU: s.o.VCPU, MemoryMiB: s.o.MemoryMiB}
}

// startedLocked records the outcome of Driver.Start and reports whether the task goes on
// to wait for its app.
func (s *Service) startedLocked(t *task, m fleet.Machine, err error) bool {
	if err != nil {
		if t.state == Activating {
			s.emit("task_start_failed", t.id, err.Error())
			s.stopTaskLocked(t, "CannotStartContainerError: "+err.Error(), true)
		}
		return false
	}
	t.machine = m
	if t.state != Activating { // stopped while starting
		s.stopMachineLocked(t)
		return false
	}
	return true
}

// readyLocked handles the end of the app's start: registration with the target group
// (or RUNNING at once without one), or a stop when it never became ready.
func (s *Service) readyLocked(t *task, m fleet.Machine, err error) {
	if t.state != Activating {
		return
	}
	if err != nil {
		s.emit("task_ready_failed", t.id, err.Error())
		s.stopTaskLocked(t, "Task failed to start: "+err.Error(), true)
		return
	}
	s.emit("task_app_ready", t.id, "exec→ready "+fmtDur(s.o.Clock.Now().Sub(t.startedAt)))
	if s.o.Targets == nil {
		s.runningLocked(t)
		return
	}
	t.registered = true
	id, addr := t.id, m.Addr()
	s.queue = append(s.queue, func() { s.o.Targets.Register(id, addr) })
	s.emit("registered", t.id, addr)
}

func (s *Service) runningLocked(t *task) {
	t.state = Running
	t.runningAt = s.o.Clock.Now()
	s.emit("task_running", t.id, "PROVISIONING→RUNNING "+fmtDur(t.runningAt.Sub(t.createdAt)))
}

// watch stops and replaces the task if its app exits on its own.
func (s *Service) watch(t *task, m fleet.Machine) {
	defer s.wg.Done()
	select {
	case <-m.Done():
	case <-s.ctx.Done():
		return
	}
	s.mu.Lock()
	defer s.unlock()
	s.exitedLocked(t, m)
}

// exitedLocked stops and replaces a task whose app exited on its own.
func (s *Service) exitedLocked(t *task, m fleet.Machine) {
	if t.state == Stopped || (t.stopCalled && !t.crashed) {
		return
	}
	reason := "Essential container in task exited: " + m.ExitReason()
	s.emit("task_exit", t.id, m.ExitReason())
	s.stopTaskLocked(t, reason, true)
	if t.state != Stopped { // draining an app that is gone: nothing can finish
		s.finishLocked(t)
	}
}

// SetTargetHealth is how the target group reports a task's health: the first healthy
// report makes it RUNNING; an unhealthy RUNNING task past its grace period is stopped
// and replaced, as the ECS scheduler does for tasks failing ELB health checks.
func (s *Service) SetTargetHealth(id string, healthy bool) {
	s.mu.Lock()
	defer s.unlock()
	t := s.findLocked(id)
	if t == nil || t.state >= Deactivating {
		return
	}
	if healthy {
		t.unhealthy = false
		if t.state == Activating && t.registered {
			s.runningLocked(t)
		}
		return
	}
	t.unhealthy = true
	if s.o.Clock.Now().Sub(t.startedAt) >= s.o.HealthCheckGrace {
		s.stopTaskLocked(t, "Task failed ELB health checks", true)
	}
}

// stopTaskLocked stops a task: a task without capacity stops at once, a registered one
// drains first. replace marks a stop the service did not ask for; reconcile starts the
// replacement either way, because a stopping task no longer counts toward desired.
func (s *Service) stopTaskLocked(t *task, reason string, replace bool) {
	if t.state >= Deactivating {
		return
	}
	t.reason = reason
	if !t.registered || s.o.Targets == nil || s.closed {
		s.finishLocked(t)
	} else {
		t.state = Deactivating
		s.emit("task_draining", t.id, reason)
		id := t.id
		s.queue = append(s.queue, func() {
			s.o.Targets.Deregister(id, func() {
				s.mu.Lock()
				defer s.unlock()
				s.finishLocked(t)
			})
		})
	}
	if replace {
		s.reconcileLocked()
	}
}

// finishLocked ends a task: STOPPED, reservation released, billing ended, app stopped.
func (s *Service) finishLocked(t *task) {
	if t.state == Stopped {
		return
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	if t.cancelWait != nil {
		t.cancelWait()
	}
	if t.registered && t.state != Deactivating && s.o.Targets != nil && !s.closed {
		id := t.id
		s.queue = append(s.queue, func() { s.o.Targets.Deregister(id, func() {}) })
	}
	t.state = Stopped
	if t.rec >= 0 {
		s.records[t.rec].EndedAt = s.PlatformTime(s.o.Clock.Now())
	}
	s.o.Capacity.Release(t.id)
	s.emit("task_stopped", t.id, t.reason)
	s.stopMachineLocked(t)
	for i, x := range s.tasks {
		if x == t {
			s.tasks = append(s.tasks[:i], s.tasks[i+1:]...)
			break
		}
	}
	s.stopped = append(s.stopped, t.info())
}

func (s *Service) stopMachineLocked(t *task) {
	if t.machine == nil || t.stopCalled {
		return
	}
	t.stopCalled = true
	m, grace := t.machine, s.o.StopGrace
	if t.stopGrace > 0 {
		grace = t.stopGrace
	}
	if s.evented() { // on the clock's goroutine, after the lock is released
		s.queue = append(s.queue, func() { _ = m.Stop(grace) })
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = m.Stop(grace) // the watcher records how it exited; cleanup is best effort
	}()
}

func isDone(m fleet.Machine) bool {
	select {
	case <-m.Done():
		return true
	default:
		return false
	}
}

// Kill crashes a task, as a fault: its app is killed at once; the service sees it exit
// and replaces it.
func (s *Service) Kill(id string) error {
	s.mu.Lock()
	t := s.findLocked(id)
	if t == nil {
		s.mu.Unlock()
		return fmt.Errorf("ecs: unknown task %q", id)
	}
	m := t.machine
	if m == nil || t.stopCalled {
		s.emit("killed", id, "")
		s.stopTaskLocked(t, "killed", true)
		s.unlock()
		return nil
	}
	t.stopCalled, t.crashed = true, true
	s.emit("killed", id, "")
	s.unlock()
	return m.Stop(0)
}

// Interrupt models a Fargate Spot interruption: the task is deregistered at once and
// replaced; once drained its app gets SIGTERM and the rest of notice (clock time) to exit,
// and it is stopped at the end of the notice at the latest; billing ends when it stops.
func (s *Service) Interrupt(id string, notice time.Duration) error {
	s.mu.Lock()
	defer s.unlock()
	t := s.findLocked(id)
	if t == nil {
		return fmt.Errorf("ecs: unknown task %q", id)
	}
	if t.state >= Deactivating {
		return nil
	}
	s.emit("spot_interruption_notice", id, "stopped within "+fmtDur(notice))
	t.stopGrace = notice
	s.stopTaskLocked(t, "Your Spot Task was interrupted.", true)
	if t.state != Stopped { // draining may outlast the notice: the task stops at its end
		s.o.Clock.AfterFunc(notice, func() {
			s.mu.Lock()
			defer s.unlock()
			if t.state != Stopped && !s.closed {
				t.stopGrace = time.Millisecond
				s.finishLocked(t)
			}
		})
	}
	return nil
}

func (s *Service) findLocked(id string) *task {
	for _, t := range s.tasks {
		if t.id == id {
			return t
		}
	}
	return nil
}

// Close stops every task at once (no draining) and the sampler, and waits (until ctx
// ends) for the apps to exit.
func (s *Service) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	if s.sampler != nil {
		s.sampler.Stop()
	}
	for _, t := range append([]*task(nil), s.tasks...) {
		if t.reason == "" {
			t.reason = "Service stopped"
		}
		s.finishLocked(t)
	}
	s.unlock()
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("ecs: service close: %w", ctx.Err())
	}
}
