package lambda

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/apigw"
	"github.com/deploybench/deploybench/platform/fleet"
)

// PoolOptions wires a Pool. Delays are in the pool's clock time and already divided by
// the timescale where they are control-plane delays (ScalingWindow, KeepAlive).
type PoolOptions struct {
	// Clock is the only time source. Required.
	Clock platform.Clock
	// Driver starts environments' apps. Required.
	Driver fleet.Driver
	// Prefix starts environment IDs ("lambda" when empty).
	Prefix string
	// MemoryMB is the memory setting: each environment's memory limit, and its CPU share.
	MemoryMB int
	// Arch is recorded in the meter.
	Arch string
	// Limit is the concurrency limit (reserved or account). Required.
	Limit int
	// ScalingRate new environments per ScalingWindow at most.
	ScalingRate   int
	ScalingWindow time.Duration
	// KeepAlive is how long an idle on-demand environment lives.
	KeepAlive time.Duration
	// InitTimeout caps the app's start; PlatformInit is the modelled delay before it.
	InitTimeout  time.Duration
	PlatformInit time.Duration
	// Provisioned environments are started by Start and never reclaimed.
	Provisioned int
	// StopGrace is the app's SIGTERM grace when an environment ends.
	StopGrace time.Duration
	// SampleInterval is the CPU sampling period; 0 means DefaultSampleInterval, < 0
	// turns sampling off.
	SampleInterval time.Duration
	// OnEvent, if set, receives every event as it happens (never under the pool's lock).
	OnEvent func(platform.Event)
}

// Pool is the control logic of one function's execution environments. It is safe for
// concurrent use; Acquire blocks for the length of a cold start.
type Pool struct {
	o      PoolOptions
	vcpu   float64
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	seq       int
	envs      map[string]*Env
	idleProv  []*Env // idle provisioned environments
	idleOD    []*Env // idle on-demand environments, most recently used last
	busy      int
	initing   int // environments in INIT for a request (they count as concurrency)
	scaler    apigw.TokenBucket
	meter     Meter
	inits     []time.Duration
	peak      int
	cpuPct    float64
	memMiB    float64
	sampler   platform.Timer
	started   time.Time
	closedAt  time.Time
	closed    bool
	events    []platform.Event
	queue     []platform.Event // to hand to OnEvent once the lock is released
	throttled struct {
		last       time.Time
		suppressed map[string]int
	}
}

// NewPool checks o and returns an empty pool; Start brings up provisioned concurrency.
func NewPool(o PoolOptions) (*Pool, error) {
	switch {
	case o.Clock == nil || o.Driver == nil:
		return nil, errors.New("lambda: NewPool: clock and driver are required")
	case o.Limit < 1:
		return nil, fmt.Errorf("lambda: NewPool: concurrency limit %d must be at least 1", o.Limit)
	case o.ScalingRate < 1 || o.ScalingWindow <= 0:
		return nil, fmt.Errorf("lambda: NewPool: scaling rate %d per %v is not valid", o.ScalingRate, o.ScalingWindow)
	case o.Provisioned < 0 || o.Provisioned > o.Limit:
		return nil, fmt.Errorf("lambda: NewPool: provisioned concurrency %d must be within 0..%d", o.Provisioned, o.Limit)
	case o.MemoryMB < MinMemoryMB || o.MemoryMB > MaxMemoryMB:
		return nil, fmt.Errorf("lambda: NewPool: memory %d MB is not valid", o.MemoryMB)
	}
	if o.Prefix == "" {
		o.Prefix = "lambda"
	}
	if o.Arch == "" {
		o.Arch = DefaultArch
	}
	if o.SampleInterval == 0 {
		o.SampleInterval = DefaultSampleInterval
	}
	if o.InitTimeout <= 0 {
		o.InitTimeout = DefaultInitTimeout
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{
		o: o, vcpu: VCPUForMemory(o.MemoryMB), ctx: ctx, cancel: cancel, envs: map[string]*Env{},
		// The scaling limit as a bucket: ScalingRate environments at once, refilled at
		// ScalingRate per window.
		scaler: apigw.NewTokenBucket(float64(o.ScalingRate)/o.ScalingWindow.Seconds(), o.ScalingRate),
		meter:  Meter{MemoryMB: o.MemoryMB, Arch: o.Arch, ProvisionedConcurrency: o.Provisioned},
	}
	p.throttled.suppressed = map[string]int{}
	return p, nil
}

// Start initialises the provisioned environments and returns once all are warm, or one
// failed, or ctx ended. It starts CPU sampling. Call it once, before Acquire.
func (p *Pool) Start(ctx context.Context) error {
	p.mu.Lock()
	p.started = p.o.Clock.Now()
	if p.o.SampleInterval > 0 {
		p.sampler = p.o.Clock.AfterFunc(p.o.SampleInterval, p.sample)
	}
	envs := make([]*Env, p.o.Provisioned)
	for i := range envs {
		envs[i] = p.newEnvLocked(true)
	}
	if p.evented() {
		for _, e := range envs {
			p.initEvented(e, func(err error) { p.provisionedEvented(e, err) })
		}
		p.unlock()
		return nil
	}
	p.wg.Add(len(envs))
	p.unlock()
	errs := make(chan error, len(envs))
	for _, e := range envs {
		go func() {
			defer p.wg.Done()
			errs <- p.startProvisioned(ctx, e)
		}()
	}
	var first error
	for range envs {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (p *Pool) startProvisioned(ctx context.Context, e *Env) error {
	if err := p.initEnv(ctx, e); err != nil {
		p.mu.Lock()
		p.discardLocked(e)
		p.unlock()
		return fmt.Errorf("lambda: provisioned environment %s: %w", e.id, err)
	}
	p.mu.Lock()
	defer p.unlock()
	if p.closed {
		p.discardLocked(e)
		return ErrClosed
	}
	p.emitLocked("provisioned_ready", e.id, "init "+ms(e.initDur))
	p.idleLocked(e)
	return nil
}

// newEnvLocked registers a new environment in INIT.
func (p *Pool) newEnvLocked(provisioned bool) *Env {
	p.seq++
	e := &Env{id: p.o.Prefix + "-" + strconv.Itoa(p.seq), seq: p.seq, provisioned: provisioned, state: stateInit}
	p.envs[e.id] = e
	return e
}

// Acquire gives the caller an environment for one invocation: an idle warm one
// (provisioned first, then the most recently used), or a new one after a cold start.
// It returns a *ThrottleError over the concurrency limit or the scaling rate, a
// *FunctionError when the cold start fails, ErrClosed once the pool is closed. Every
// environment acquired must be given back with Release.
func (p *Pool) Acquire(ctx context.Context) (*Env, error) {
	p.mu.Lock()
	e, cold, err := p.admitLocked()
	if err != nil || !cold {
		p.unlock()
		return e, err
	}
	// The INIT counts in wg, so Close waits for it and the goroutines it starts are
	// added while the count is held (never after Wait returned).
	p.wg.Add(1)
	defer p.wg.Done()
	p.unlock()

	err = p.initEnv(ctx, e)

	p.mu.Lock()
	defer p.unlock()
	return p.coldDoneLocked(e, err)
}

// admitLocked is Acquire's decision: a warm environment (cold false), a new one in INIT
// counted as concurrency (cold true), or a refusal.
func (p *Pool) admitLocked() (e *Env, cold bool, err error) {
	if p.closed {
		return nil, false, ErrClosed
	}
	if e := p.takeIdleLocked(); e != nil {
		p.busyLocked(e)
		return e, false, nil
	}
	now := p.o.Clock.Now()
	if p.busy+p.initing >= p.o.Limit {
		p.throttleLocked(now, "concurrency")
		return nil, false, &ThrottleError{Reason: "concurrency", Limit: p.o.Limit}
	}
	if !p.scaler.Allow(now) {
		p.throttleLocked(now, "scaling")
		return nil, false, &ThrottleError{Reason: "scaling", Limit: p.o.ScalingRate}
	}
	e = p.newEnvLocked(false)
	p.initing++
	p.trackPeakLocked()
	return e, true, nil
}

// coldDoneLocked ends a cold start: the environment serves its request, or is
// discarded with the INIT's error (billed: a failed INIT ran).
func (p *Pool) coldDoneLocked(e *Env, err error) (*Env, error) {
	p.initing--
	if err != nil && p.closed { // cut short by Close: not a failure of the function
		p.discardLocked(e)
		return nil, ErrClosed
	}
	if err != nil {
		p.meter.InitFailures++
		p.meter.Invocations++ // the failed INIT ran and is billed
		p.meter.BilledMillis += BilledMillis(e.initDur)
		p.meter.InitBilledMillis += BilledMillis(e.initDur)
		p.emitLocked("init_failed", e.id, err.Error())
		p.discardLocked(e)
		return nil, err
	}
	if p.closed {
		p.discardLocked(e)
		return nil, ErrClosed
	}
	p.meter.ColdStarts++
	p.inits = append(p.inits, e.initDur)
	e.unbilledInit = e.initDur
	e.cold = true
	p.emitLocked("cold_start", e.id, "init "+ms(e.initDur))
	p.busyLocked(e)
	return e, nil
}

// initEnv runs one environment's INIT: the modelled platform init, then the app's start
// until it answers its health path, within the INIT timeout. The machine is stopped on
// failure.
func (p *Pool) initEnv(ctx context.Context, e *Env) error {
	ictx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	if d := p.o.PlatformInit; d > 0 {
		if err := sleep(ictx, p.o.Clock, d); err != nil {
			return &FunctionError{Msg: "INIT interrupted", Err: err}
		}
	}
	start := p.o.Clock.Now()
	m, err := p.o.Driver.Start(ictx, fleet.MachineSpec{
		Name: e.id, InstanceType: fmt.Sprintf("lambda-%dmb", p.o.MemoryMB), VCPU: p.vcpu, MemoryMiB: p.o.MemoryMB,
	})
	if err != nil {
		return &FunctionError{Msg: "INIT failed: app did not start", Err: err}
	}
	p.mu.Lock()
	if e.state == stateGone { // the pool closed meanwhile
		p.unlock()
		_ = m.Stop(p.o.StopGrace)
		return &FunctionError{Msg: "INIT interrupted", Err: ErrClosed}
	}
	e.machine = m
	p.wg.Add(1) // the caller holds a count, so Wait has not returned
	p.unlock()
	go p.watch(e, m)

	var timedOut bool
	var tmu sync.Mutex
	t := p.o.Clock.AfterFunc(p.o.InitTimeout, func() {
		tmu.Lock()
		timedOut = true
		tmu.Unlock()
		cancel()
	})
	err = m.WaitReady(ictx)
	t.Stop()
	e.initDur = p.o.Clock.Now().Sub(start)
	if err == nil {
		return nil
	}
	tmu.Lock()
	to := timedOut
	tmu.Unlock()
	if to {
		e.initDur = p.o.InitTimeout
		return &FunctionError{Msg: fmt.Sprintf("INIT timed out after %v (Runtime.InitTimeout)", p.o.InitTimeout)}
	}
	return &FunctionError{Msg: "INIT failed", Err: err}
}

// Release gives an environment back after an invocation that ran for d (from the
// request reaching the app to its answer, or the timeout), bills it and keeps the
// environment warm or discards it, by outcome.
func (p *Pool) Release(e *Env, d time.Duration, o Outcome) {
	p.mu.Lock()
	defer p.unlock()
	billed := BilledMillis(e.unbilledInit + d)
	if e.provisioned {
		p.meter.ProvisionedInvocations++
		p.meter.ProvisionedBilledMillis += billed
	} else {
		p.meter.Invocations++
		p.meter.BilledMillis += billed
		p.meter.InitBilledMillis += BilledMillis(e.unbilledInit)
	}
	e.unbilledInit = 0
	p.returnLocked(e, d, o)
}

// returnLocked takes back an environment released after an invocation of d: warm, or
// discarded by outcome.
func (p *Pool) returnLocked(e *Env, d time.Duration, o Outcome) {
	e.cold = false
	if e.held {
		e.held = false
		p.busy--
	}
	switch {
	case o == TimedOut:
		p.meter.Timeouts++
		p.emitLocked("timeout", e.id, "function timed out after "+ms(d)+"; environment reset")
		p.discardLocked(e)
	case o == Crashed || e.dead:
		p.emitLocked("env_failed", e.id, "app failed during the invocation; environment discarded")
		p.discardLocked(e)
	case p.closed:
		p.discardLocked(e)
	default:
		p.idleLocked(e)
	}
	if e.provisioned && e.state == stateGone && !p.closed {
		p.replaceProvisionedLocked()
	}
}

// takeIdleLocked pops an idle environment: provisioned first, as Lambda routes to
// provisioned concurrency before spilling over to on-demand.
func (p *Pool) takeIdleLocked() *Env {
	var e *Env
	switch {
	case len(p.idleProv) > 0:
		e = p.idleProv[len(p.idleProv)-1]
		p.idleProv = p.idleProv[:len(p.idleProv)-1]
	case len(p.idleOD) > 0:
		e = p.idleOD[len(p.idleOD)-1]
		p.idleOD = p.idleOD[:len(p.idleOD)-1]
	default:
		return nil
	}
	if e.reclaim != nil {
		e.reclaim.Stop()
		e.reclaim = nil
	}
	return e
}

func (p *Pool) busyLocked(e *Env) {
	e.state = stateBusy
	e.held = true
	e.busySeen = true
	p.busy++
	p.trackPeakLocked()
}

func (p *Pool) trackPeakLocked() {
	if c := p.busy + p.initing; c > p.peak {
		p.peak = c
	}
}

// idleLocked parks a warm environment; on-demand ones get a keep-alive timer.
func (p *Pool) idleLocked(e *Env) {
	e.state = stateIdle
	e.lastIdleAt = p.o.Clock.Now()
	if e.provisioned {
		p.idleProv = append(p.idleProv, e)
		return
	}
	p.idleOD = append(p.idleOD, e)
	e.idleGen++
	gen := e.idleGen
	e.reclaim = p.o.Clock.AfterFunc(p.o.KeepAlive, func() { p.reclaimEnv(e, gen) })
}

// reclaimEnv ends an environment idle for the whole keep-alive.
func (p *Pool) reclaimEnv(e *Env, gen int) {
	p.mu.Lock()
	defer p.unlock()
	if e.state != stateIdle || e.idleGen != gen || p.closed {
		return
	}
	p.removeIdleLocked(e)
	p.emitLocked("reclaim", e.id, "idle for "+p.o.Clock.Now().Sub(e.lastIdleAt).String())
	p.discardLocked(e)
}

func (p *Pool) removeIdleLocked(e *Env) {
	list := &p.idleOD
	if e.provisioned {
		list = &p.idleProv
	}
	for i, x := range *list {
		if x == e {
			*list = append((*list)[:i], (*list)[i+1:]...)
			return
		}
	}
}

// discardLocked forgets an environment and stops its app in the background.
func (p *Pool) discardLocked(e *Env) {
	if e.state == stateGone {
		return
	}
	e.state = stateGone
	if e.reclaim != nil {
		e.reclaim.Stop()
		e.reclaim = nil
	}
	delete(p.envs, e.id)
	if m := e.machine; m != nil && p.evented() {
		_ = m.Stop(p.o.StopGrace) // an event machine reports its exit as a clock event
	} else if m != nil {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			_ = m.Stop(p.o.StopGrace)
		}()
	}
}

// watch notices an app that exits on its own: an idle environment is dropped, a busy one
// is discarded when its invocation ends, a provisioned one is replaced.
func (p *Pool) watch(e *Env, m fleet.Machine) {
	defer p.wg.Done()
	select {
	case <-m.Done():
	case <-p.ctx.Done():
		return
	}
	p.mu.Lock()
	defer p.unlock()
	p.exitedLocked(e, m)
}

// exitedLocked handles an app that exited on its own.
func (p *Pool) exitedLocked(e *Env, m fleet.Machine) {
	switch e.state {
	case stateIdle:
		p.removeIdleLocked(e)
		p.emitLocked("env_exit", e.id, m.ExitReason())
		p.discardLocked(e)
		if e.provisioned && !p.closed {
			p.replaceProvisionedLocked()
		}
	case stateBusy:
		e.dead = true
	}
}

// replaceProvisionedLocked starts a new provisioned environment in the background, as
// Lambda keeps provisioned concurrency at its configured level.
func (p *Pool) replaceProvisionedLocked() {
	e := p.newEnvLocked(true)
	if p.evented() {
		p.initEvented(e, func(err error) { p.provisionedEvented(e, err) })
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := p.startProvisioned(p.ctx, e); err != nil {
			p.mu.Lock()
			if !p.closed {
				p.emitLocked("init_failed", e.id, err.Error())
			}
			p.unlock()
		}
	}()
}

// throttleLocked counts a refusal and emits at most one throttle event per second per
// reason, carrying how many were folded into it, so that a burst does not flood the
// event log.
func (p *Pool) throttleLocked(now time.Time, reason string) {
	p.meter.Throttles++
	if reason == "scaling" {
		p.meter.ScalingThrottles++
	} else {
		p.meter.ConcurrencyThrottles++
	}
	p.throttled.suppressed[reason]++
	if now.Sub(p.throttled.last) < time.Second {
		return
	}
	p.throttled.last = now
	p.flushThrottlesLocked()
}

func (p *Pool) flushThrottlesLocked() {
	reasons := make([]string, 0, len(p.throttled.suppressed))
	for r := range p.throttled.suppressed {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		n := p.throttled.suppressed[r]
		if n == 0 {
			continue
		}
		limit := p.o.Limit
		what := "concurrency limit"
		if r == "scaling" {
			limit, what = p.o.ScalingRate, "scaling rate (new environments per window)"
		}
		p.emitLocked("throttle", "", fmt.Sprintf("%d throttled: %s %d", n, what, limit))
		delete(p.throttled.suppressed, r)
	}
}

// emitLocked records an event; OnEvent gets it once the lock is released.
func (p *Pool) emitLocked(kind, id, detail string) {
	ev := platform.Event{At: p.o.Clock.Now(), Kind: kind, Instance: id, Detail: detail}
	p.events = append(p.events, ev)
	if p.o.OnEvent != nil {
		p.queue = append(p.queue, ev)
	}
}

// unlock releases the lock and then delivers queued events.
func (p *Pool) unlock() {
	q := p.queue
	p.queue = nil
	p.mu.Unlock()
	for _, ev := range q {
		p.o.OnEvent(ev)
	}
}

// Close stops every environment and waits (bounded by ctx) for their apps to exit and
// for INITs in progress to end.
func (p *Pool) Close(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.closedAt = p.o.Clock.Now()
		p.flushThrottlesLocked()
		if p.sampler != nil {
			p.sampler.Stop()
		}
		// Busy environments too: their invocations fail as their apps stop. The API
		// Gateway in front is closed first, so normally none is busy by now.
		for _, e := range p.envs {
			p.discardLocked(e)
		}
		p.idleProv, p.idleOD = nil, nil
		if !p.started.IsZero() {
			p.meter.ProvisionedEnabled = p.closedAt.Sub(p.started)
		}
	}
	p.unlock()
	p.cancel() // ends INITs in progress and the exit watchers
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("lambda: environments still stopping: %w", ctx.Err())
	}
}

// sleep waits d on clock, or until ctx ends.
func sleep(ctx context.Context, clock platform.Clock, d time.Duration) error {
	done := make(chan struct{})
	t := clock.AfterFunc(d, func() { close(done) })
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
}

// ms renders a duration in whole milliseconds for event details.
func ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + " ms" }
