package lambda

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/apigw"
	"github.com/deploybench/deploybench/platform/fleet"
)

// Deps is what the Lambda platform needs from the world it runs in.
type Deps struct {
	// Clock is the control plane's time source; nil means the wall clock.
	Clock platform.Clock
	// Driver starts each execution environment's app (live: fleet/live.Driver over a
	// runtime backend, with the app's command and health path). Required.
	Driver fleet.Driver
	// OnEvent, if set, receives every platform event as it happens.
	OnEvent func(platform.Event)
	// Invoke is how environments are invoked: InvokeHTTP (default, the app is an HTTP
	// server) or InvokeRuntimeAPI (the app is a Lambda handler behind the Runtime
	// Interface Emulator, whose port the driver's machines give as Addr).
	Invoke InvokeMode
	// NoServer runs the platform without its HTTP API (URL stays empty): the simulator
	// routes requests itself, with Gateway().Admit and Outcome and the pool's
	// AcquireFunc and Release.
	NoServer bool
}

// Platform is a function behind API Gateway: the "lambda" platform.Platform. Its URL is
// the API's; requests go through the gateway's throttle and limits to the function's
// execution environments.
type Platform struct {
	cfg     Config
	clock   platform.Clock
	onEvent func(platform.Event)
	pool    *Pool
	fn      *Function
	gw      *apigw.Gateway
	srv     *apigw.Server
	noSrv   bool

	mu      sync.Mutex
	started time.Time
	ended   time.Time
	events  []platform.Event
	lastRej map[string]time.Time
	folded  map[string]int
}

var _ platform.Platform = (*Platform)(nil)

// New builds the platform from its config (defaults applied and validated here).
// Nothing starts until Start.
func New(cfg Config, d Deps) (*Platform, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Driver == nil {
		return nil, errors.New("lambda: New: no driver to start execution environments")
	}
	if d.Clock == nil {
		d.Clock = platform.WallClock{}
	}
	p := &Platform{cfg: cfg, clock: d.Clock, onEvent: d.OnEvent, noSrv: d.NoServer, lastRej: map[string]time.Time{}, folded: map[string]int{}}
	pool, err := NewPool(PoolOptions{
		Clock: d.Clock, Driver: d.Driver, Prefix: "lambda", MemoryMB: cfg.MemoryMB, Arch: cfg.Arch,
		Limit: cfg.ConcurrencyLimit(), ScalingRate: cfg.ScalingRate,
		ScalingWindow: fleet.Scale(cfg.ScalingWindow, cfg.Timescale),
		KeepAlive:     fleet.Scale(cfg.KeepAlive, cfg.Timescale),
		InitTimeout:   cfg.InitTimeout, PlatformInit: *cfg.PlatformInit,
		Provisioned: cfg.ProvisionedConcurrency, StopGrace: cfg.StopGrace, OnEvent: d.OnEvent,
	})
	if err != nil {
		return nil, err
	}
	p.pool = pool
	p.fn = NewFunction(pool, d.Clock, cfg.Timeout, cfg.API.MaxPayload)
	p.fn.mode = d.Invoke
	p.gw = apigw.NewGateway(cfg.API)
	p.srv, err = apigw.NewServer(p.gw, p.fn, apigw.ServerOptions{Clock: d.Clock, OnReject: p.rejected})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Kind implements platform.Platform.
func (p *Platform) Kind() string { return "lambda" }

// Config returns the configuration with defaults applied.
func (p *Platform) Config() Config { return p.cfg }

// Pool exposes the execution environments (stats, events, the simulator's hooks).
func (p *Platform) Pool() *Pool { return p.pool }

// Gateway exposes the API Gateway's counters.
func (p *Platform) Gateway() *apigw.Gateway { return p.gw }

// Start brings up provisioned concurrency, if any, and the API; it returns once the API
// accepts requests. On-demand environments start with the first requests.
func (p *Platform) Start(ctx context.Context) error {
	p.mu.Lock()
	if !p.started.IsZero() {
		p.mu.Unlock()
		return errors.New("lambda: Start called twice")
	}
	p.started = p.clock.Now()
	p.mu.Unlock()
	if err := p.pool.Start(ctx); err != nil {
		return err
	}
	if p.noSrv {
		return nil
	}
	return p.srv.Start()
}

// URL is the API's base URL; empty before Start.
func (p *Platform) URL() string { return p.srv.URL() }

// Status implements platform.Platform: warm environments as capacity in service, INITs
// as pending, CPU of busy environments.
func (p *Platform) Status() platform.Status { return p.pool.Status() }

// Stats returns the pool's report figures (cold starts, INIT p50/max, concurrency,
// throttles, timeouts).
func (p *Platform) Stats() Stats { return p.pool.Stats() }

// Meter returns the function's full billing record, provisioned concurrency included.
func (p *Platform) Meter() Meter { return p.pool.Meter() }

// Events returns the platform's timeline so far: the pool's (cold starts, reclaims,
// throttles, timeouts) and the gateway's (API throttles, integration timeouts).
func (p *Platform) Events() []platform.Event {
	evs := p.pool.Events()
	p.mu.Lock()
	evs = append(evs, p.events...)
	p.mu.Unlock()
	sortEvents(evs)
	return evs
}

// Stop closes the API (waiting for invocations in progress, bounded by ctx), then every
// execution environment.
func (p *Platform) Stop(ctx context.Context) error {
	var errSrv error
	if !p.noSrv {
		errSrv = p.srv.Close(ctx)
	}
	p.fn.Close()
	// The environments are stopped even when ctx ran out waiting for invocations: a
	// fresh bound of the SIGTERM grace plus a margin, so that no app is left behind.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.StopGrace+5*time.Second)
	defer cancel()
	errPool := p.pool.Close(pctx)
	p.mu.Lock()
	if p.ended.IsZero() {
		p.ended = p.clock.Now()
	}
	evs := p.flushRejectsLocked()
	p.mu.Unlock()
	if p.onEvent != nil {
		for _, ev := range evs {
			p.onEvent(ev)
		}
	}
	if err := errors.Join(errSrv, errPool); err != nil {
		return fmt.Errorf("lambda: stop: %w", err)
	}
	return nil
}

// Usage implements platform.Platform. Lambda holds the on-demand part of the bill;
// provisioned concurrency is in Meter (platform.LambdaRecord has no field for it).
// Requests are the billed API Gateway requests.
func (p *Platform) Usage() platform.Usage {
	m := p.pool.Meter()
	p.mu.Lock()
	start, end := p.started, p.ended
	p.mu.Unlock()
	if end.IsZero() {
		end = p.clock.Now()
	}
	return platform.Usage{
		Lambda: &platform.LambdaRecord{
			MemoryMB: m.MemoryMB, Arch: m.Arch, Invocations: m.Invocations, BilledMillis: m.BilledMillis,
			ColdStarts: m.ColdStarts, Throttles: m.Throttles,
		},
		Requests:  p.gw.Stats().Billed,
		FrontDoor: p.cfg.API.FrontDoor(),
		Start:     start, End: end,
	}
}

// rejected turns the gateway's own answers into events, at most one per second per
// reason, folding the rest into a count so that a burst does not flood the timeline.
// Lambda throttles are reported by the pool already.
func (p *Platform) rejected(reason string) {
	if reason == "lambda_throttled" {
		return
	}
	kind := map[string]string{"throttled": "api_throttle", "integration_timeout": "api_timeout",
		"payload_too_large": "api_payload_too_large"}[reason]
	if kind == "" {
		kind = "api_error"
	}
	now := p.clock.Now()
	p.mu.Lock()
	p.folded[kind]++
	var ev *platform.Event
	if now.Sub(p.lastRej[kind]) >= time.Second {
		p.lastRej[kind] = now
		ev = p.foldLocked(kind, now)
	}
	p.mu.Unlock()
	if ev != nil && p.onEvent != nil {
		p.onEvent(*ev)
	}
}

func (p *Platform) foldLocked(kind string, now time.Time) *platform.Event {
	n := p.folded[kind]
	if n == 0 {
		return nil
	}
	delete(p.folded, kind)
	ev := platform.Event{At: now, Kind: kind, Detail: fmt.Sprintf("%d %s (%s API)", n, rejectWhat[kind], p.cfg.API.Kind)}
	p.events = append(p.events, ev)
	return &ev
}

var rejectWhat = map[string]string{
	"api_throttle": "requests throttled by the API (429)", "api_timeout": "integration timeouts (504)",
	"api_payload_too_large": "requests too large (413)", "api_error": "function errors (5xx)",
}

// flushRejectsLocked records the folded counts still pending, for delivery off the lock.
func (p *Platform) flushRejectsLocked() []platform.Event {
	now := p.clock.Now()
	var out []platform.Event
	for _, kind := range []string{"api_error", "api_payload_too_large", "api_throttle", "api_timeout"} {
		if ev := p.foldLocked(kind, now); ev != nil {
			out = append(out, *ev)
		}
	}
	return out
}
