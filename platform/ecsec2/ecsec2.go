package ecsec2

import (
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecs/cluster"
	"github.com/deploybench/deploybench/platform/fleet"
)

// New builds an ECS on EC2 service and its cluster from the config (defaults applied
// and validated here). The runner passes an ecs.Env whose fleet.World has the live
// driver (runtime backend + the scenario's app) or the simulator's; the driver starts
// tasks only — container instances are modelled, not run. Nothing starts until Start,
// which launches the initial instances (enough for the desired tasks, at least
// instances.min), starts managed scaling and waits for the tasks to run.
func New(cfg Config, env ecs.Env) (*ecs.Platform, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	clock := env.ClockOrWall()
	log := ecs.NewLog(clock, env.OnEvent)
	spec := cfg.Spec()
	cl, err := cluster.New(cluster.Options{
		Clock: clock, Log: log, Prefix: "ecs", InstanceType: spec.Name, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB,
		Purchase: cfg.Purchase, ReservedMemoryMiB: cfg.ReservedMemoryMiB,
		LaunchDelay: fleet.Scale(cfg.PendingDelay+cfg.BootDelay, cfg.Timescale),
		Strategy:    cfg.Placement, TaskVCPU: cfg.CPU, TaskMemoryMiB: cfg.TaskMemoryMiB(),
		PullDuration: fleet.Scale(cfg.PullDuration(), cfg.Timescale), Timescale: cfg.Timescale,
	})
	if err != nil {
		return nil, err
	}
	sc, err := newScaler(clock, cl, log, cfg)
	if err != nil {
		cl.Close()
		return nil, err
	}
	hooks := ecs.Hooks{
		Start: func() error {
			per := cl.TasksPerInstance()
			n := min(max(cfg.Instances.Min, (cfg.Desired+per-1)/per), cfg.Instances.Max)
			cl.Launch(n, "initial capacity")
			sc.start()
			return nil
		},
		Stop: sc.stop,
	}
	return ecs.NewPlatform(ecs.PlatformOptions{
		Kind: "ecs-ec2", Service: cfg.ServiceConfig, Log: log, Capacity: cl, TaskPrefix: "task",
		Arch: "x86_64", Hooks: hooks,
	}, env)
}
