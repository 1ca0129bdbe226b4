package sim

import (
	"context"
	"errors"
	"fmt"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecsec2"
	"github.com/deploybench/deploybench/platform/ecsmi"
	"github.com/deploybench/deploybench/platform/fargate"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/scenario"
)

// The container platforms run their live model unchanged: the ECS service scheduler
// (task lifecycle, placement, image pulls, replacement), its capacity (Fargate, or a
// cluster of container instances with managed scaling or the Managed Instances
// provisioner), the ALB target group and service auto scaling. The service starts tasks
// with the simulator's EventDriver, so every task is a modelled machine; container
// instances are modelled by the capacity itself, as they are live. Requests are routed
// with the target group's own Pick/Release, as for the ASG.

// ecsEnv is the simulator's ECS world: no HTTP front door, and a prober that fails
// targets whose modelled app was stopped.
func ecsEnv(w fleet.World) ecs.Env {
	return ecs.Env{World: w, Prober: stoppedProber(w), NoFrontDoor: true}
}

// stoppedProber answers health checks for modelled machines: healthy unless stopped.
func stoppedProber(w fleet.World) lb.Prober {
	drv, _ := w.Driver.(*Driver)
	return lb.ProberFunc(func(_ context.Context, t lb.Target) error {
		if drv != nil {
			if m := drv.Machine(t.ID); m != nil && m.stopped.Load() {
				return errors.New("stopped")
			}
		}
		return nil
	})
}

// ecsBuilt fills what every container platform shares.
func ecsBuilt(p *ecs.Platform, book *pricing.Book, size string, unitHourly float64) *Built {
	alb, _ := book.Rate(pricing.RateALBHour)
	cfg := p.Config()
	return &Built{Platform: p, Balancer: p.Balancer(), Size: size, UnitVCPU: cfg.CPU, UnitHourly: unitHourly,
		FixedHourly: alb, AfterStart: p.StartScaling}
}

func buildFargate(sp scenario.Platform, timescale float64, w fleet.World, book *pricing.Book) (*Built, error) {
	cfg, err := fargate.DecodeConfig(&sp.Settings, timescale)
	if err != nil {
		return nil, err
	}
	p, err := fargate.New(cfg, ecsEnv(w))
	if err != nil {
		return nil, err
	}
	vcpuRate, gbRate := pricing.RateFargateX86VCPUHour, pricing.RateFargateX86GBHour
	if cfg.Arch == "arm64" {
		vcpuRate, gbRate = pricing.RateFargateARMVCPUHour, pricing.RateFargateARMGBHour
	}
	rv, _ := book.Rate(vcpuRate)
	rg, _ := book.Rate(gbRate)
	b := ecsBuilt(p, book, fmt.Sprintf("%g vCPU / %g GB ×%d–%d", cfg.CPU, cfg.MemoryGB, cfg.Min, cfg.Max), cfg.CPU*rv+cfg.MemoryGB*rg)
	b.Projection = projection.Fargate
	b.ProjOptions = projection.Options{TaskVCPU: cfg.CPU, TaskMemoryGB: cfg.MemoryGB, FargateArch: cfg.Arch, MinCapacity: max(cfg.Min, 1)}
	return b, nil
}

func buildECSEC2(sp scenario.Platform, timescale float64, w fleet.World, book *pricing.Book) (*Built, error) {
	// The instance type's size comes from the catalog for types the fleet table lacks,
	// as the runner does: decode once to size the template, then with defaults.
	var probe ecsec2.Config
	if err := decode(&sp.Settings, &probe); err != nil {
		return nil, err
	}
	if err := sizeTemplate(&probe.LaunchTemplate, book); err != nil {
		return nil, err
	}
	cfg, err := ecsec2.DecodeConfig(&sp.Settings, timescale)
	if err != nil {
		return nil, err
	}
	cfg.LaunchTemplate.VCPU, cfg.LaunchTemplate.MemoryMiB = probe.LaunchTemplate.VCPU, probe.LaunchTemplate.MemoryMiB
	p, err := ecsec2.New(cfg, ecsEnv(w))
	if err != nil {
		return nil, err
	}
	spec := cfg.LaunchTemplate.Spec()
	share := 0.0
	if spec.VCPU > 0 {
		share = cfg.CPU / spec.VCPU
	}
	purchase, _ := pricing.ParsePurchase(cfg.Purchase)
	// A task's share of its instance's price (timeline only: the bill has the instances).
	b := ecsBuilt(p, book, fmt.Sprintf("%s, %g vCPU tasks ×%d–%d", cfg.InstanceType, cfg.CPU, cfg.Min, cfg.Max), hourly(book, cfg.LaunchTemplate)*share)
	b.Projection = projection.ECSEC2
	b.ProjOptions = projection.Options{InstanceType: cfg.InstanceType, Purchase: purchase,
		TaskVCPU: cfg.CPU, TaskMemoryGB: cfg.MemoryGB, MinCapacity: max(cfg.Min, 1)}
	return b, nil
}

func buildECSMI(sp scenario.Platform, timescale float64, w fleet.World, book *pricing.Book) (*Built, error) {
	cfg, err := ecsmi.DecodeConfig(&sp.Settings, timescale)
	if err != nil {
		return nil, err
	}
	cat := book.Catalog()
	sel, err := ecsmi.Select(cfg, cat)
	if err != nil {
		return nil, err
	}
	p, err := ecsmi.New(cfg, ecsEnv(w), cat)
	if err != nil {
		return nil, err
	}
	fee := 0.0
	if q, err := book.ManagementFee(sel.Type); err == nil {
		fee = q.PerHour
	}
	share := 0.0
	if sel.VCPU > 0 {
		share = cfg.CPU / float64(sel.VCPU)
	}
	b := ecsBuilt(p, book, fmt.Sprintf("%s (%s), %g vCPU tasks ×%d–%d", sel.Type, sel.Reason, cfg.CPU, cfg.Min, cfg.Max), (sel.PricePerHour+fee)*share)
	b.Projection = projection.ECSMI
	b.ProjOptions = projection.Options{MIInstanceType: sel.Type, TaskVCPU: cfg.CPU, TaskMemoryGB: cfg.MemoryGB, MinCapacity: max(cfg.Min, 1)}
	return b, nil
}
