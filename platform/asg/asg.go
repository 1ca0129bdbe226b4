package asg

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/platform/lb/frontdoor"
)

// Env is the world the group runs in: the fleet.World (clock, driver, credits, event
// observer) plus how the load balancer reaches instances.
type Env struct {
	fleet.World
	// Prober checks target health; nil means HTTP GETs of the health-check path (live).
	Prober lb.Prober
	// NoFrontDoor runs the balancer without the HTTP proxy (the simulator routes with
	// Balancer.Pick itself); URL is then empty.
	NoFrontDoor bool
}

// Platform is an EC2 Auto Scaling group behind an Application Load Balancer.
type Platform struct {
	cfg     Config
	env     Env
	clock   platform.Clock
	fleet   *fleet.Fleet
	bal     *lb.Balancer
	ctl     *autoscale.Controller
	cpu     *autoscale.Metric
	req     *autoscale.Metric
	targets *lb.TargetSync

	mu       sync.Mutex
	proxy    *frontdoor.Proxy
	started  time.Time
	ended    time.Time
	reqTimer platform.Timer
	reqs     lb.RequestCounter
	stopped  bool
}

var _ platform.Platform = (*Platform)(nil)

// New builds the group from its config (defaults applied and validated here); nothing is
// launched or listened on until Start.
func New(cfg Config, env Env) (*Platform, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if env.Driver == nil {
		return nil, errors.New("asg: New: the world has no driver")
	}
	p := &Platform{cfg: cfg, env: env, clock: env.ClockOrWall()}
	var err error
	period := cfg.MetricPeriod()
	if p.cpu, err = autoscale.NewMetric(autoscale.MetricConfig{Name: "CPUUtilization", Period: period}.Scaled(cfg.Timescale)); err != nil {
		return nil, fmt.Errorf("asg: %w", err)
	}
	if p.req, err = autoscale.NewMetric(autoscale.MetricConfig{Name: "ALBRequestCountPerTarget", Period: period}.Scaled(cfg.Timescale)); err != nil {
		return nil, fmt.Errorf("asg: %w", err)
	}

	p.targets = &lb.TargetSync{}
	lbCfg := cfg.LoadBalancer
	lbCfg.Observer = p.targets.Observe
	prober := env.Prober
	if prober == nil && !env.NoFrontDoor {
		hp, err := frontdoor.NewHTTPProber(lbCfg)
		if err != nil {
			return nil, fmt.Errorf("asg.load_balancer: %w", err)
		}
		prober = hp
	}
	if p.bal, err = lb.New(lbCfg, p.clock, prober); err != nil {
		return nil, fmt.Errorf("asg.load_balancer: %w", err)
	}
	p.targets.Balancer = p.bal

	o := cfg.LaunchTemplate.Options(env.World, cfg.Timescale)
	o.Prefix, o.Targets = "asg", p.targets
	o.HealthCheckGrace = fleet.Scale(cfg.HealthCheckGracePeriod, cfg.Timescale)
	o.ELBHealth = cfg.HealthCheckType == HealthCheckELB
	o.Warmup = fleet.Scale(cfg.DefaultInstanceWarmup, cfg.Timescale)
	o.SampleInterval, o.StopGrace = cfg.SampleInterval, cfg.StopGrace
	o.OnSample = func(id string, at time.Time, v float64) { p.cpu.Put(id, at, v) }
	if p.fleet, err = fleet.New(o); err != nil {
		_ = p.bal.Close()
		return nil, fmt.Errorf("asg: %w", err)
	}
	p.targets.Emit, p.targets.SetHealth = p.fleet.Emit, p.fleet.SetTargetHealth

	if !cfg.DisableScaling {
		policies := make([]autoscale.Policy, len(cfg.Policies))
		for i, pc := range cfg.Policies {
			policies[i] = pc.Policy()
		}
		warmup := cfg.DefaultInstanceWarmup
		if warmup == 0 {
			warmup = -1 // unset: no warm-up (autoscale reads 0 as "its default")
		}
		p.ctl, err = autoscale.NewController(p.clock, group{p.fleet}, autoscale.Options{
			MinSize: cfg.Min, MaxSize: cfg.Max, Timescale: cfg.Timescale, InstanceWarmup: warmup,
			Metrics:  autoscale.Metrics{"CPUUtilization": p.cpu, "ALBRequestCountPerTarget": p.req},
			Observer: controllerEvent(p.fleet),
		}, policies...)
		if err != nil {
			_ = p.fleet.Close(context.Background())
			_ = p.bal.Close()
			return nil, fmt.Errorf("asg.policies: %w", err)
		}
	}
	return p, nil
}

// Kind implements platform.Platform.
func (p *Platform) Kind() string { return "asg" }

// Config returns the configuration with defaults applied.
func (p *Platform) Config() Config { return p.cfg }

// Fleet exposes the instance lifecycle (fault injection with Kill, instance lists).
func (p *Platform) Fleet() *fleet.Fleet { return p.fleet }

// Balancer exposes the load balancer (per-target stats, Pick in the simulator).
func (p *Platform) Balancer() *lb.Balancer { return p.bal }

// Events returns the platform's timeline so far: lifecycle, target, alarm and scaling
// events in order.
func (p *Platform) Events() []platform.Event { return p.fleet.Events() }

// Start opens the front door, launches the desired capacity, starts the scaling policies
// and returns once every initial instance is in service (healthy behind the balancer),
// so that measurement starts on the capacity the scenario asked for. It fails at once if
// an instance's app cannot start. Call Stop even when Start fails.
func (p *Platform) Start(ctx context.Context) error {
	p.mu.Lock()
	if !p.started.IsZero() || p.stopped {
		p.mu.Unlock()
		return errors.New("asg: Start called twice or after Stop")
	}
	p.started = p.clock.Now()
	if !p.env.NoFrontDoor {
		px, err := frontdoor.Listen(p.bal, p.cfg.FrontDoor)
		if err != nil {
			p.mu.Unlock()
			return fmt.Errorf("asg.front_door: %w", err)
		}
		p.proxy = px
	}
	if p.usesRequestCount() {
		p.reqTimer = p.clock.AfterFunc(p.cfg.SampleInterval, p.sampleRequests)
	}
	p.mu.Unlock()

	p.fleet.Emit("scale", "", fmt.Sprintf("desired 0 → %d: initial capacity", p.cfg.Desired))
	p.fleet.SetDesired(p.cfg.Desired)
	if p.ctl != nil {
		if err := p.ctl.Start(); err != nil {
			return fmt.Errorf("asg: %w", err)
		}
	}
	want := p.cfg.Desired
	if err := p.fleet.WaitFor(ctx, true, func(s platform.Status) bool { return s.InService >= want }); err != nil {
		return fmt.Errorf("asg: %w", err)
	}
	return nil
}

// usesRequestCount reports whether a scaling policy tracks ALBRequestCountPerTarget:
// only then is the per-target request series sampled (reading every target's counters
// each sampling interval is much of a long simulation's time otherwise).
func (p *Platform) usesRequestCount() bool {
	if p.ctl == nil {
		return false
	}
	for _, pc := range p.cfg.Policies {
		if pc.Metric == MetricRequestCountPerTarget {
			return true
		}
	}
	return false
}

// sampleRequests publishes each healthy target's requests since the last sample; the
// SumPerSource statistic turns them into ALBRequestCountPerTarget.
func (p *Platform) sampleRequests() {
	st := p.bal.Stats()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.reqs.Healthy(st, p.req.Put)
	p.reqTimer = p.clock.AfterFunc(p.cfg.SampleInterval, p.sampleRequests)
}

// URL is the front door's base URL (empty before Start and without a front door).
func (p *Platform) URL() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proxy == nil {
		return ""
	}
	return p.proxy.URL()
}

// Status reports desired, pending (launching, booting, starting or not yet healthy), in
// service, draining, and the average CPU of in-service instances.
func (p *Platform) Status() platform.Status { return p.fleet.Status() }

// Stop stops the policies, closes the front door and terminates every instance, waiting
// (until ctx ends) for their apps to exit.
func (p *Platform) Stop(ctx context.Context) error {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return nil
	}
	p.stopped = true
	if p.reqTimer != nil {
		p.reqTimer.Stop()
	}
	px := p.proxy
	p.mu.Unlock()
	if p.ctl != nil {
		p.ctl.Stop()
	}
	var errs []error
	if px != nil {
		errs = append(errs, px.Shutdown(ctx)) // also closes the balancer
	} else {
		errs = append(errs, p.bal.Close())
	}
	errs = append(errs, p.fleet.Close(ctx))
	p.mu.Lock()
	p.ended = p.clock.Now()
	p.mu.Unlock()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("asg: stop: %w", err)
	}
	return nil
}

// Usage reports every instance's record, the ALB's traffic and the metered period, in
// uncompressed platform time.
func (p *Platform) Usage() platform.Usage {
	p.mu.Lock()
	start, end, px := p.started, p.ended, p.proxy
	p.mu.Unlock()
	if end.IsZero() {
		end = p.clock.Now()
	}
	var st lb.Stats
	if px != nil {
		st = px.Stats()
	} else {
		st = p.bal.Stats()
	}
	u := platform.Usage{
		Instances:        p.fleet.Records(),
		Requests:         st.Requests,
		FrontDoor:        "alb",
		LBNewConnections: st.NewConnections,
		LBProcessedBytes: st.ProcessedBytes,
		Timescale:        p.cfg.Timescale,
		Start:            p.fleet.PlatformTime(start),
		End:              p.fleet.PlatformTime(end),
	}
	// LCU dimensions are rates of real traffic (requests are never compressed); the hours
	// they are billed for are platform hours, Timescale times the clock's.
	for _, s := range p.bal.LCU().Samples() {
		u.LBLCUHours += s.LCU(1) * s.Period.Hours() * p.cfg.Timescale
		u.LBActiveConnectionsPeak = max(u.LBActiveConnectionsPeak, s.ActiveConnectionsPeak)
	}
	return u
}
