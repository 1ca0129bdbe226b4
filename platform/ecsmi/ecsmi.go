package ecsmi

import (
	"errors"
	"fmt"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecs/cluster"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/pricing"
)

// Selection is the instance type a Managed Instances platform runs on, and why.
type Selection struct {
	Type         string  `json:"type"`
	VCPU         int     `json:"vcpu"`
	MemoryMiB    int     `json:"memory_mib"`
	PricePerHour float64 `json:"price_per_hour"`
	// Reason is "cost-optimised default", "requirements" or "instance_type".
	Reason string `json:"reason"`
}

// Select returns the instance type cfg runs on: cfg.InstanceType when set, otherwise the
// cheapest type in the catalog that matches cfg.Requirements and holds a task.
func Select(cfg Config, cat *pricing.Catalog) (Selection, error) {
	cfg = cfg.WithDefaults()
	if cat == nil {
		return Selection{}, errors.New("ecs-mi: New: the pricing catalog is required to choose the instance type")
	}
	if cfg.InstanceType != "" {
		in, err := cat.Instance(cfg.InstanceType)
		if err != nil {
			return Selection{}, fmt.Errorf("ecs-mi.instance_type: %w", err)
		}
		return Selection{Type: in.Type, VCPU: in.VCPUs, MemoryMiB: in.MemoryMiB, PricePerHour: in.OnDemand[cfg.Region], Reason: "instance_type"}, nil
	}
	m, err := Choose(cat, cfg.Region, cfg.Requirements, cfg.CPU, cfg.TaskMemoryMiB(), cfg.ReservedMemoryFraction)
	if err != nil {
		return Selection{}, err
	}
	reason := "cost-optimised default"
	if r := cfg.Requirements; r.VCPU != "" || r.MemoryGiB != "" || r.Manufacturer != "" || r.Accelerators != "" ||
		len(r.AllowedTypes) > 0 || len(r.ExcludedTypes) > 0 || r.Arch != DefaultArch {
		reason = "requirements"
	}
	return Selection{Type: m.Type, VCPU: m.VCPUs, MemoryMiB: m.MemoryMiB, PricePerHour: m.PricePerHour, Reason: reason}, nil
}

// New builds an ECS Managed Instances service from its config (defaults applied and
// validated here), choosing the instance type from cat (the runner passes
// pricing.Embedded() or the catalog with the scenario's overrides). The ecs.Env's
// fleet.World has the live driver (runtime backend + the scenario's app) or the
// simulator's; it starts tasks only. Nothing starts until Start.
func New(cfg Config, env ecs.Env, cat *pricing.Catalog) (*ecs.Platform, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sel, err := Select(cfg, cat)
	if err != nil {
		return nil, err
	}
	clock := env.ClockOrWall()
	log := ecs.NewLog(clock, env.OnEvent)
	reserved := int(float64(sel.MemoryMiB)*cfg.ReservedMemoryFraction + 0.5)
	cl, err := cluster.New(cluster.Options{
		Clock: clock, Log: log, Prefix: "mi", InstanceType: sel.Type, VCPU: float64(sel.VCPU), MemoryMiB: sel.MemoryMiB,
		Purchase: cfg.Purchase, ManagedFee: true, ReservedMemoryMiB: reserved,
		LaunchDelay: fleet.Scale(cfg.LaunchDelay, cfg.Timescale), Strategy: cfg.Placement,
		TaskVCPU: cfg.CPU, TaskMemoryMiB: cfg.TaskMemoryMiB(),
		PullDuration: fleet.Scale(cfg.PullDuration(), cfg.Timescale), Timescale: cfg.Timescale,
	})
	if err != nil {
		return nil, err
	}
	if cl.TasksPerInstance() < 1 {
		cl.Close()
		return nil, fmt.Errorf("ecs-mi.instance_type: %s does not hold a %g vCPU / %g GB task (use a larger type or a smaller task)", sel.Type, cfg.CPU, cfg.MemoryGB)
	}
	scaleIn := fleet.Scale(cfg.ScaleInAfter, cfg.Timescale)
	if cfg.ScaleInAfter < 0 {
		scaleIn = -1
	}
	pv := &provisioner{clock: clock, cluster: cl, log: log, min: cfg.Instances.Min, max: cfg.Instances.Max,
		scaleInAfter: scaleIn, every: cfg.SampleInterval}
	cl.OnWaiting(pv.waitingChanged)
	hooks := ecs.Hooks{
		Start: func() error {
			log.Emit("instance_type", "", fmt.Sprintf("%s (%d vCPU, %d MiB, $%.4f/h on-demand): %s; %d task(s) per instance",
				sel.Type, sel.VCPU, sel.MemoryMiB, sel.PricePerHour, sel.Reason, cl.TasksPerInstance()))
			if cfg.Instances.Min > 0 {
				cl.Launch(cfg.Instances.Min, "instances.min")
			}
			pv.start()
			return nil
		},
		Stop: pv.stop,
	}
	return ecs.NewPlatform(ecs.PlatformOptions{
		Kind: "ecs-mi", Service: cfg.ServiceConfig, Log: log, Capacity: cl, TaskPrefix: "task",
		Arch: cfg.Requirements.Arch, Hooks: hooks,
	}, env)
}
