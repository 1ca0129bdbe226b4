package fargate

import (
	"fmt"
	"math/rand"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fleet"
)

// capacity is Fargate as an ecs.Capacity: every task fits at once, on its own capacity,
// after the provisioning delay, and pulls its image.
type capacity struct {
	provision, pull time.Duration // clock time
}

// Place implements ecs.Capacity: always room, after provisioning and a full pull.
func (c capacity) Place(string) (ecs.Placement, bool) {
	return ecs.Placement{HostType: "fargate", Provision: c.provision, Pull: c.pull}, true
}

// Release, SetWaiting, Records and Close implement ecs.Capacity: Fargate has nothing to
// give back, scale or bill per instance.
func (capacity) Release(string)                     {}
func (capacity) SetWaiting(int)                     {}
func (capacity) Records() []platform.InstanceRecord { return nil }
func (capacity) Close()                             {}

// New builds a Fargate service from its config (defaults applied and validated here).
// The runner passes an ecs.Env whose fleet.World has the live driver (runtime backend +
// the scenario's app) or the simulator's; nothing starts until Start.
func New(cfg Config, env ecs.Env) (*ecs.Platform, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	clock := env.ClockOrWall()
	log := ecs.NewLog(clock, env.OnEvent)
	capa := capacity{
		provision: fleet.Scale(cfg.ProvisioningDelay, cfg.Timescale),
		pull:      fleet.Scale(cfg.PullDuration(), cfg.Timescale),
	}
	var p *ecs.Platform
	spot := &interrupter{}
	hooks := ecs.Hooks{}
	if cfg.Spot && cfg.SpotInterruptionsPerHour > 0 {
		hooks.Start = func() error {
			spot.start(clock, p.Service(), cfg.SpotInterruptionsPerHour, cfg.Timescale,
				fleet.Scale(cfg.SpotNotice, cfg.Timescale), rand.New(rand.NewSource(cfg.Seed)))
			return nil
		}
		hooks.Stop = spot.stop
	}
	var err error
	p, err = ecs.NewPlatform(ecs.PlatformOptions{
		Kind: "fargate", Service: cfg.ServiceConfig, Log: log, Capacity: capa, TaskPrefix: "fargate",
		Arch: cfg.Arch, Spot: cfg.Spot, BillTasks: true, Hooks: hooks,
	}, env)
	return p, err
}

// interrupter interrupts random running Spot tasks at exponentially distributed
// intervals: ratePerHour per running task-hour of platform time.
type interrupter struct {
	mu      sync.Mutex
	stopped bool
	timer   platform.Timer
}

func (in *interrupter) start(clock platform.Clock, svc *ecs.Service, ratePerHour, timescale float64, notice time.Duration, rng *rand.Rand) {
	var schedule func()
	schedule = func() {
		n := max(svc.Running(), 1)
		gap := time.Duration(rng.ExpFloat64() / (ratePerHour * float64(n)) * float64(time.Hour) / timescale)
		in.mu.Lock()
		defer in.mu.Unlock()
		if in.stopped {
			return
		}
		in.timer = clock.AfterFunc(gap, func() {
			var running []string
			for _, t := range svc.Tasks() {
				if t.State == ecs.Running {
					running = append(running, t.ID)
				}
			}
			if len(running) > 0 {
				_ = svc.Interrupt(running[rng.Intn(len(running))], notice)
			}
			schedule()
		})
	}
	schedule()
}

func (in *interrupter) stop() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.stopped = true
	if in.timer != nil {
		in.timer.Stop()
	}
}

// Describe is a one-line summary of a config for reports.
func Describe(c Config) string {
	c = c.WithDefaults()
	s := fmt.Sprintf("Fargate %g vCPU / %g GB %s", c.CPU, c.MemoryGB, c.Arch)
	if c.Spot {
		s += " Spot"
	}
	return s
}
