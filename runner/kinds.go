package runner

import (
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform/asg"
	"github.com/deploybench/deploybench/platform/ec2"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/live"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/runtime"
	"github.com/deploybench/deploybench/scenario"
)

func init() {
	Register("ec2", buildEC2)
	Register("asg", buildASG)
}

func newProcessBackend(fraction float64, log io.Writer) (runtime.Backend, error) {
	return runtime.NewProcess(runtime.ProcessOptions{VCPUFraction: fraction, Log: log})
}

// liveWorld is the fleet world of a live run: the wall clock, the runtime backend and the
// credit accountant.
func liveWorld(name string, d Deps) (fleet.World, error) {
	drv, err := live.NewDriver(d.Backend, live.App{Command: d.App.Command, Image: d.App.Image, Env: d.App.Env,
		HealthPath: d.App.HealthPath, StartupTimeout: d.StartupTimeout}, d.VCPUFraction, map[string]string{"platform": name})
	if err != nil {
		return fleet.World{}, err
	}
	rt := "process"
	if d.Backend != nil {
		rt = d.Backend.Name()
	}
	// Every instance's start-up is split (pull, create, app) into a startup event.
	split := newStartupSplit(rt, d.Timescale, d.Clock, d.OnEvent)
	return fleet.World{Clock: d.Clock, Driver: split.driver(drv), Credits: live.Credits, OnEvent: split.onEvent}, nil
}

// sizeTemplate checks the instance type against the catalog (with a did-you-mean) and
// fills vCPUs and memory from it when the fleet's own table does not know the type.
func sizeTemplate(t *fleet.LaunchTemplate, book *pricing.Book) error {
	if t.InstanceType == "" {
		return nil
	}
	inst, err := book.Catalog().Instance(t.InstanceType)
	if err != nil {
		return fmt.Errorf("instance_type: %v", err)
	}
	if _, err := fleet.LookupType(t.InstanceType, 0, 0); err != nil {
		if t.VCPU == 0 {
			t.VCPU = float64(inst.VCPUs)
		}
		if t.MemoryMiB == 0 {
			t.MemoryMiB = inst.MemoryMiB
		}
	}
	if _, err := pricing.ParsePurchase(t.Purchase); err != nil && t.Purchase != "" {
		return fmt.Errorf("purchase: %v", err)
	}
	return nil
}

func hourly(book *pricing.Book, t fleet.LaunchTemplate) float64 {
	p, err := pricing.ParsePurchase(t.Purchase)
	if err != nil {
		return 0
	}
	q, err := book.Hourly(t.InstanceType, p)
	if err != nil {
		return 0
	}
	return q.PerHour
}

func buildEC2(name string, settings *yaml.Node, d Deps) (*Built, error) {
	var cfg ec2.Config
	if err := decodeSettings(settings, &cfg); err != nil {
		return nil, err
	}
	if err := sizeTemplate(&cfg.LaunchTemplate, d.Book); err != nil {
		return nil, err
	}
	if cfg.Timescale == 0 {
		cfg.Timescale = d.Timescale
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w, err := liveWorld(name, d)
	if err != nil {
		return nil, err
	}
	p, err := ec2.New(cfg, w)
	if err != nil {
		return nil, err
	}
	spec := cfg.LaunchTemplate.Spec()
	purchase, _ := pricing.ParsePurchase(cfg.Purchase)
	return &Built{Platform: p, Size: cfg.InstanceType, MaxVCPU: spec.VCPU, UnitVCPU: spec.VCPU,
		UnitHourly: hourly(d.Book, cfg.LaunchTemplate), Fixed: true,
		Projection: projection.EC2ASG, ProjOptions: projection.Options{InstanceType: cfg.InstanceType, Purchase: purchase}}, nil
}

func buildASG(name string, settings *yaml.Node, d Deps) (*Built, error) {
	var cfg asg.Config
	if err := decodeSettings(settings, &cfg); err != nil {
		return nil, err
	}
	if cfg.LoadBalancer.HealthCheck.Path == "" {
		// The ALB's default path is "/", but the app says where its health is.
		cfg.LoadBalancer.HealthCheck.Path = d.App.HealthPath
	}
	if err := sizeTemplate(&cfg.LaunchTemplate, d.Book); err != nil {
		return nil, err
	}
	if cfg.Timescale == 0 {
		cfg.Timescale = d.Timescale
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w, err := liveWorld(name, d)
	if err != nil {
		return nil, err
	}
	p, err := asg.New(cfg, asg.Env{World: w})
	if err != nil {
		return nil, err
	}
	spec := cfg.LaunchTemplate.Spec()
	purchase, _ := pricing.ParsePurchase(cfg.Purchase)
	alb, _ := d.Book.Rate(pricing.RateALBHour)
	return &Built{Platform: p, Size: fmt.Sprintf("%s ×%d–%d", cfg.InstanceType, cfg.Min, cfg.Max), MaxVCPU: spec.VCPU * float64(cfg.Max),
		UnitVCPU: spec.VCPU, UnitHourly: hourly(d.Book, cfg.LaunchTemplate), FixedHourly: alb,
		Projection: projection.EC2ASG, ProjOptions: projection.Options{InstanceType: cfg.InstanceType, Purchase: purchase, MinCapacity: max(cfg.Min, 1)}}, nil
}

// decodeSettings decodes a settings section strictly into cfg.
func decodeSettings(n *yaml.Node, cfg any) error {
	return scenario.DecodeStrict(n, cfg)
}
