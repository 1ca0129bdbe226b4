package ec2

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
)

// Platform is one EC2 instance serving directly on its own address.
type Platform struct {
	cfg   Config
	clock platform.Clock
	fleet *fleet.Fleet

	mu      sync.Mutex
	url     string
	started time.Time
	ended   time.Time
}

var _ platform.Platform = (*Platform)(nil)

// New builds the platform from its config (defaults applied and validated here) on a
// world. Nothing is launched until Start.
func New(cfg Config, w fleet.World) (*Platform, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if w.Driver == nil {
		return nil, errors.New("ec2: New: the world has no driver")
	}
	o := cfg.LaunchTemplate.Options(w, cfg.Timescale)
	o.Prefix = "ec2"
	o.NoReplacement = true // a lone instance has no group to replace it
	o.StopGrace = cfg.StopGrace
	f, err := fleet.New(o)
	if err != nil {
		return nil, fmt.Errorf("ec2: %w", err)
	}
	return &Platform{cfg: cfg, clock: o.Clock, fleet: f}, nil
}

// Kind implements platform.Platform.
func (p *Platform) Kind() string { return "ec2" }

// Config returns the configuration with defaults applied.
func (p *Platform) Config() Config { return p.cfg }

// Fleet exposes the instance lifecycle, for fault injection (Kill) and status pages.
func (p *Platform) Fleet() *fleet.Fleet { return p.fleet }

// Start launches the instance and returns once its app answers its health path, or the
// app fails to start, or ctx ends.
func (p *Platform) Start(ctx context.Context) error {
	p.mu.Lock()
	if !p.started.IsZero() {
		p.mu.Unlock()
		return errors.New("ec2: Start called twice")
	}
	p.started = p.clock.Now()
	p.mu.Unlock()
	p.fleet.SetDesired(1)
	if err := p.fleet.WaitFor(ctx, true, func(s platform.Status) bool { return s.InService >= 1 }); err != nil {
		return fmt.Errorf("ec2: %w", err)
	}
	for _, in := range p.fleet.Instances() {
		if in.State == fleet.InService {
			p.mu.Lock()
			p.url = "http://" + in.Addr
			p.mu.Unlock()
		}
	}
	return nil
}

// URL is the instance's own address; empty before Start returns.
func (p *Platform) URL() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.url
}

// Status implements platform.Platform.
func (p *Platform) Status() platform.Status { return p.fleet.Status() }

// Events returns the platform's timeline so far.
func (p *Platform) Events() []platform.Event { return p.fleet.Events() }

// Stop terminates the instance and waits for its app to exit.
func (p *Platform) Stop(ctx context.Context) error {
	p.fleet.SetDesired(0)
	err := p.fleet.Close(ctx)
	p.mu.Lock()
	if p.ended.IsZero() {
		p.ended = p.clock.Now()
	}
	p.mu.Unlock()
	if err != nil {
		return fmt.Errorf("ec2: %w", err)
	}
	return nil
}

// Usage reports the instance record(s), in uncompressed platform time.
func (p *Platform) Usage() platform.Usage {
	p.mu.Lock()
	start, end := p.started, p.ended
	p.mu.Unlock()
	if end.IsZero() {
		end = p.clock.Now()
	}
	return platform.Usage{
		Instances: p.fleet.Records(),
		Timescale: p.cfg.Timescale,
		Start:     p.fleet.PlatformTime(start),
		End:       p.fleet.PlatformTime(end),
	}
}
