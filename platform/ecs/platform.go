package ecs

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

// Env is the world an ECS platform runs in: the fleet.World (clock, driver, event
// observer; Credits is unused, tasks have no CPU credits) plus how the load balancer
// reaches tasks.
type Env struct {
	fleet.World
	// Prober checks target health; nil means HTTP GETs of the health-check path (live).
	Prober lb.Prober
	// NoFrontDoor runs the balancer without the HTTP proxy (the simulator and tests
	// route with Balancer.Pick); URL is then empty.
	NoFrontDoor bool
}

// Hooks are what a platform model adds around the shared service: its capacity's own
// control loops. Both may be nil.
type Hooks struct {
	// Start runs in Platform.Start before the service asks for its initial tasks, e.g. to
	// launch the initial container instances and start a capacity scaler.
	Start func() error
	// Stop runs first in Platform.Stop, e.g. to stop the capacity scaler.
	Stop func()
}

// PlatformOptions is what a platform model passes to NewPlatform.
type PlatformOptions struct {
	// Kind is "ecs-ec2", "fargate" or "ecs-mi".
	Kind string
	// Service is the service section, defaults applied and validated.
	Service ServiceConfig
	// Log is the platform's event log (NewLog on the world's clock and observer); the
	// capacity writes to it too.
	Log *Log
	// Capacity runs the tasks. A capacity with an OnChange(func()) method (a cluster.Cluster) is
	// wired to place waiting tasks when room appears.
	Capacity Capacity
	// TaskPrefix starts task IDs; Arch and Spot go into the task billing records.
	TaskPrefix string
	Arch       string
	Spot       bool
	// BillTasks puts the task records in Usage (Fargate); otherwise the instances are
	// billed.
	BillTasks bool
	Hooks     Hooks
}

// Platform is an ECS service behind an Application Load Balancer, on any capacity. It
// implements platform.Platform for the three container platform models.
type Platform struct {
	o       PlatformOptions
	cfg     ServiceConfig
	env     Env
	clock   platform.Clock
	svc     *Service
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
	scaling  bool
}

var _ platform.Platform = (*Platform)(nil)

// NewPlatform builds the service, its target group and its scaling; nothing starts
// until Start. On error it closes the capacity.
func NewPlatform(o PlatformOptions, env Env) (*Platform, error) {
	p, err := newPlatform(o, env)
	if err != nil && o.Capacity != nil {
		o.Capacity.Close()
	}
	return p, err
}

func newPlatform(o PlatformOptions, env Env) (*Platform, error) {
	switch {
	case env.Driver == nil:
		return nil, fmt.Errorf("%s: the world has no driver", o.Kind)
	case o.Log == nil || o.Capacity == nil:
		return nil, fmt.Errorf("%s: PlatformOptions: Log and Capacity are required", o.Kind)
	}
	cfg := o.Service
	p := &Platform{o: o, cfg: cfg, env: env, clock: env.ClockOrWall()}
	var err error
	period := cfg.MetricPeriod()
	if p.cpu, err = autoscale.NewMetric(autoscale.MetricConfig{Name: cpuMetric, Period: period}.Scaled(cfg.Timescale)); err != nil {
		return nil, fmt.Errorf("%s: %w", o.Kind, err)
	}
	if p.req, err = autoscale.NewMetric(autoscale.MetricConfig{Name: reqMetric, Period: period}.Scaled(cfg.Timescale)); err != nil {
		return nil, fmt.Errorf("%s: %w", o.Kind, err)
	}
	p.targets = &lb.TargetSync{Emit: o.Log.Emit}
	lbCfg := cfg.LoadBalancer
	lbCfg.Observer = p.targets.Observe
	prober := env.Prober
	if prober == nil && !env.NoFrontDoor {
		hp, err := frontdoor.NewHTTPProber(lbCfg)
		if err != nil {
			return nil, fmt.Errorf("%s.load_balancer: %w", o.Kind, err)
		}
		prober = hp
	}
	if p.bal, err = lb.New(lbCfg, p.clock, prober); err != nil {
		return nil, fmt.Errorf("%s.load_balancer: %w", o.Kind, err)
	}
	p.targets.Balancer = p.bal
	p.svc, err = NewService(ServiceOptions{
		Clock: p.clock, Driver: env.Driver, Capacity: o.Capacity, Log: o.Log, Targets: p.targets,
		Prefix: o.TaskPrefix, VCPU: cfg.CPU, MemoryMiB: cfg.TaskMemoryMiB(), Arch: o.Arch, Spot: o.Spot,
		HealthCheckGrace: fleet.Scale(cfg.HealthCheckGracePeriod, cfg.Timescale),
		SampleInterval:   cfg.SampleInterval, StopGrace: cfg.StopGrace, Timescale: cfg.Timescale,
		OnSample: func(id string, at time.Time, v float64) { p.cpu.Put(id, at, v) },
	})
	if err != nil {
		_ = p.bal.Close()
		return nil, fmt.Errorf("%s: %w", o.Kind, err)
	}
	p.targets.SetHealth = p.svc.SetTargetHealth
	if c, ok := o.Capacity.(interface{ OnChange(func()) }); ok {
		c.OnChange(p.svc.PlaceWaiting)
	}
	if !cfg.DisableScaling {
		policies := make([]autoscale.Policy, len(cfg.Policies))
		for i, pc := range cfg.Policies {
			policies[i] = pc.Policy()
		}
		comb := autoscale.NewServiceCombiner(autoscale.Defaults{
			ServiceScaleInCooldown: cfg.ScaleInCooldown, ServiceScaleOutCooldown: cfg.ScaleOutCooldown,
		}, cfg.Timescale)
		p.ctl, err = autoscale.NewController(p.clock, serviceGroup{s: p.svc, min: cfg.Min}, autoscale.Options{
			MinSize: cfg.Min, MaxSize: cfg.Max, Timescale: cfg.Timescale, InstanceWarmup: -1, Combiner: comb,
			Metrics:  autoscale.Metrics{cpuMetric: p.cpu, reqMetric: p.req},
			Observer: alarmEvents(o.Log, ""),
		}, policies...)
		if err != nil {
			_ = p.svc.Close(context.Background())
			_ = p.bal.Close()
			return nil, fmt.Errorf("%s.policies: %w", o.Kind, err)
		}
	}
	return p, nil
}

// Kind implements platform.Platform.
func (p *Platform) Kind() string { return p.o.Kind }

// Service exposes the scheduler (task lists, Kill and Interrupt faults).
func (p *Platform) Service() *Service { return p.svc }

// Balancer exposes the target group (per-target stats, Pick in the simulator).
func (p *Platform) Balancer() *lb.Balancer { return p.bal }

// Capacity exposes the capacity the tasks run on.
func (p *Platform) Capacity() Capacity { return p.o.Capacity }

// Config returns the service configuration with defaults applied.
func (p *Platform) Config() ServiceConfig { return p.cfg }

// Events returns the platform's timeline so far.
func (p *Platform) Events() []platform.Event { return p.o.Log.Events() }

// Start opens the front door, starts the capacity's hooks, asks for the desired tasks
// and returns once they are all RUNNING (healthy behind the balancer); then service auto
// scaling starts. It fails at once if a task's app cannot start. Call Stop even when
// Start fails.
func (p *Platform) Start(ctx context.Context) error {
	p.mu.Lock()
	if !p.started.IsZero() || p.stopped {
		p.mu.Unlock()
		return fmt.Errorf("%s: Start called twice or after Stop", p.o.Kind)
	}
	p.started = p.clock.Now()
	if !p.env.NoFrontDoor {
		px, err := frontdoor.Listen(p.bal, p.cfg.FrontDoor)
		if err != nil {
			p.mu.Unlock()
			return fmt.Errorf("%s.front_door: %w", p.o.Kind, err)
		}
		p.proxy = px
	}
	if p.usesRequestCount() {
		p.reqTimer = p.clock.AfterFunc(p.cfg.SampleInterval, p.sampleRequests)
	}
	p.mu.Unlock()

	if p.o.Hooks.Start != nil {
		if err := p.o.Hooks.Start(); err != nil {
			return fmt.Errorf("%s: %w", p.o.Kind, err)
		}
	}
	p.o.Log.Emit("scale", "", fmt.Sprintf("desired tasks 0 → %d: initial count", p.cfg.Desired))
	p.svc.SetDesired(p.cfg.Desired)
	want := p.cfg.Desired
	if err := p.svc.WaitFor(ctx, true, func(s platform.Status) bool { return s.InService >= want }); err != nil {
		return fmt.Errorf("%s: %w", p.o.Kind, err)
	}
	return p.StartScaling()
}

// StartScaling starts service auto scaling; Start does so once the initial tasks run.
// The simulator, whose Start returns at its first wait (nothing moves on a virtual
// clock while it waits), calls it itself once the engine has brought the initial tasks
// to RUNNING. Calls after the first do nothing.
func (p *Platform) StartScaling() error {
	p.mu.Lock()
	if p.ctl == nil || p.scaling || p.stopped {
		p.mu.Unlock()
		return nil
	}
	p.scaling = true
	p.mu.Unlock()
	if err := p.ctl.Start(); err != nil {
		return fmt.Errorf("%s: %w", p.o.Kind, err)
	}
	return nil
}

// usesRequestCount reports whether a scaling policy tracks ALBRequestCountPerTarget:
// only then is the per-target request series sampled (reading every target's counters
// each second is most of a long simulation's time otherwise).
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

// Status reports desired tasks, pending (PROVISIONING, PENDING, ACTIVATING), running,
// draining, and the running tasks' average CPU (% of their reservation).
func (p *Platform) Status() platform.Status { return p.svc.Status() }

// Stop stops scaling, closes the front door, stops every task and terminates every
// instance, waiting (until ctx ends) for the apps to exit.
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
	if p.o.Hooks.Stop != nil {
		p.o.Hooks.Stop()
	}
	if p.ctl != nil {
		p.ctl.Stop()
	}
	var errs []error
	if px != nil {
		errs = append(errs, px.Shutdown(ctx)) // also closes the balancer
	} else {
		errs = append(errs, p.bal.Close())
	}
	errs = append(errs, p.svc.Close(ctx))
	p.o.Capacity.Close()
	p.mu.Lock()
	p.ended = p.clock.Now()
	p.mu.Unlock()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: stop: %w", p.o.Kind, err)
	}
	return nil
}

// Usage reports the billed records — container instances (ECS on EC2, ECS MI) or tasks
// (Fargate) — the ALB's traffic and the metered period, in uncompressed platform time.
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
		Instances: p.o.Capacity.Records(), Requests: st.Requests, FrontDoor: "alb",
		LBNewConnections: st.NewConnections, LBProcessedBytes: st.ProcessedBytes, Timescale: p.cfg.Timescale,
		Start: p.svc.PlatformTime(start), End: p.svc.PlatformTime(end),
	}
	if p.o.BillTasks {
		u.Tasks = p.svc.Records()
	}
	// LCU dimensions are rates of real traffic; the hours they are billed for are
	// platform hours, Timescale times the clock's.
	for _, s := range p.bal.LCU().Samples() {
		u.LBLCUHours += s.LCU(1) * s.Period.Hours() * p.cfg.Timescale
		u.LBActiveConnectionsPeak = max(u.LBActiveConnectionsPeak, s.ActiveConnectionsPeak)
	}
	return u
}
