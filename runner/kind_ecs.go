package runner

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecsec2"
	"github.com/deploybench/deploybench/platform/ecsmi"
	"github.com/deploybench/deploybench/platform/fargate"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
)

func init() {
	Register("fargate", buildFargate)
	Register("ecs-ec2", buildECSEC2)
	Register("ecs-mi", buildECSMI)
}

// ecsEnv is the live world of an ECS platform.
func ecsEnv(name string, d Deps) (ecs.Env, error) {
	w, err := liveWorld(name, d)
	if err != nil {
		return ecs.Env{}, err
	}
	return ecs.Env{World: w}, nil
}

// ecsHealthPath points the target group's health check at the app's health path unless
// the scenario's settings set one. The decoded config has the ALB default ("/") filled
// in already, so the settings themselves are consulted.
func ecsHealthPath(c *ecs.ServiceConfig, settings *yaml.Node, d Deps) {
	var probe struct {
		LoadBalancer struct {
			HealthCheck struct {
				Path string `yaml:"path"`
			} `yaml:"health_check"`
		} `yaml:"load_balancer"`
	}
	if settings != nil && settings.Kind != 0 {
		_ = settings.Decode(&probe)
	}
	if probe.LoadBalancer.HealthCheck.Path == "" {
		c.LoadBalancer.HealthCheck.Path = d.App.HealthPath
	}
}

// ecsService completes a service's configuration from the scenario (health path, image
// size) and returns its live world: what the three ECS builders share.
func ecsService(c *ecs.ServiceConfig, name string, settings *yaml.Node, d Deps) (ecs.Env, error) {
	ecsHealthPath(c, settings, d)
	if err := fillImageSize(c, settings, d); err != nil {
		return ecs.Env{}, err
	}
	return ecsEnv(name, d)
}

// Every task is its own process with its own CPU quota, so the host must hold the
// service's maximum task count.
const ecsTaskHint = "lower the service's max task count or the task cpu"

func buildFargate(name string, settings *yaml.Node, d Deps) (*Built, error) {
	cfg, err := fargate.DecodeConfig(settings, d.Timescale)
	if err != nil {
		return nil, err
	}
	env, err := ecsService(&cfg.ServiceConfig, name, settings, d)
	if err != nil {
		return nil, err
	}
	p, err := fargate.New(cfg, env)
	if err != nil {
		return nil, err
	}
	vcpuRate, gbRate := pricing.RateFargateX86VCPUHour, pricing.RateFargateX86GBHour
	if cfg.Arch == "arm64" {
		vcpuRate, gbRate = pricing.RateFargateARMVCPUHour, pricing.RateFargateARMGBHour
	}
	rv, _ := d.Book.Rate(vcpuRate)
	rg, _ := d.Book.Rate(gbRate)
	alb, _ := d.Book.Rate(pricing.RateALBHour)
	return &Built{Platform: p, Size: fmt.Sprintf("%g vCPU / %g GB ×%d–%d", cfg.CPU, cfg.MemoryGB, cfg.Min, cfg.Max),
		MaxVCPU: cfg.CPU * float64(cfg.Max), MaxVCPUHint: ecsTaskHint, UnitVCPU: cfg.CPU,
		UnitHourly: cfg.CPU*rv + cfg.MemoryGB*rg, FixedHourly: alb,
		Projection: projection.Fargate, ProjOptions: projection.Options{TaskVCPU: cfg.CPU, TaskMemoryGB: cfg.MemoryGB, FargateArch: cfg.Arch, MinCapacity: max(cfg.Min, 1)}}, nil
}

func buildECSEC2(name string, settings *yaml.Node, d Deps) (*Built, error) {
	var probe ecsec2.Config
	if err := decodeSettings(settings, &probe); err != nil {
		return nil, err
	}
	if err := sizeTemplate(&probe.LaunchTemplate, d.Book); err != nil {
		return nil, err
	}
	cfg, err := ecsec2.DecodeConfig(settings, d.Timescale)
	if err != nil {
		return nil, err
	}
	cfg.LaunchTemplate.VCPU, cfg.LaunchTemplate.MemoryMiB = probe.LaunchTemplate.VCPU, probe.LaunchTemplate.MemoryMiB
	env, err := ecsService(&cfg.ServiceConfig, name, settings, d)
	if err != nil {
		return nil, err
	}
	p, err := ecsec2.New(cfg, env)
	if err != nil {
		return nil, err
	}
	spec := cfg.LaunchTemplate.Spec()
	share := 0.0
	if spec.VCPU > 0 {
		share = cfg.CPU / spec.VCPU
	}
	alb, _ := d.Book.Rate(pricing.RateALBHour)
	purchase, _ := pricing.ParsePurchase(cfg.Purchase)
	return &Built{Platform: p, Size: fmt.Sprintf("%s, %g vCPU tasks ×%d–%d", cfg.InstanceType, cfg.CPU, cfg.Min, cfg.Max),
		MaxVCPU: cfg.CPU * float64(cfg.Max), MaxVCPUHint: ecsTaskHint, UnitVCPU: cfg.CPU,
		// A task's share of its instance's price: the instances are billed whether tasks
		// fill them or not, so this is a lower bound of the hourly cost at peak.
		UnitHourly: hourly(d.Book, cfg.LaunchTemplate) * share, FixedHourly: alb,
		Projection: projection.ECSEC2, ProjOptions: projection.Options{InstanceType: cfg.InstanceType, Purchase: purchase,
			TaskVCPU: cfg.CPU, TaskMemoryGB: cfg.MemoryGB, MinCapacity: max(cfg.Min, 1)}}, nil
}

func buildECSMI(name string, settings *yaml.Node, d Deps) (*Built, error) {
	cfg, err := ecsmi.DecodeConfig(settings, d.Timescale)
	if err != nil {
		return nil, err
	}
	env, err := ecsService(&cfg.ServiceConfig, name, settings, d)
	if err != nil {
		return nil, err
	}
	cat := d.Book.Catalog()
	sel, err := ecsmi.Select(cfg, cat)
	if err != nil {
		return nil, err
	}
	p, err := ecsmi.New(cfg, env, cat)
	if err != nil {
		return nil, err
	}
	fee := 0.0
	if q, err := d.Book.ManagementFee(sel.Type); err == nil {
		fee = q.PerHour
	}
	share := 0.0
	if sel.VCPU > 0 {
		share = cfg.CPU / float64(sel.VCPU)
	}
	alb, _ := d.Book.Rate(pricing.RateALBHour)
	return &Built{Platform: p, Size: fmt.Sprintf("%s (%s), %g vCPU tasks ×%d–%d", sel.Type, sel.Reason, cfg.CPU, cfg.Min, cfg.Max),
		MaxVCPU: cfg.CPU * float64(cfg.Max), MaxVCPUHint: ecsTaskHint, UnitVCPU: cfg.CPU,
		UnitHourly: (sel.PricePerHour + fee) * share, FixedHourly: alb,
		Projection: projection.ECSMI, ProjOptions: projection.Options{MIInstanceType: sel.Type,
			TaskVCPU: cfg.CPU, TaskMemoryGB: cfg.MemoryGB, MinCapacity: max(cfg.Min, 1)}}, nil
}
