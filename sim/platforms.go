package sim

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/asg"
	"github.com/deploybench/deploybench/platform/ec2"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/live"
	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/scenario"
	"github.com/deploybench/deploybench/sim/engine"
)

// Built is one platform model built on the simulator's world, with what billing and the
// report need about it.
type Built struct {
	Platform platform.Platform
	Fleet    *fleet.Fleet
	// Balancer routes requests; nil for a lone EC2 instance, reached directly.
	Balancer *lb.Balancer
	Size     string
	// UnitVCPU is one unit's vCPU count; UnitHourly its price; FixedHourly the front
	// door's hourly price (ALB).
	UnitVCPU, UnitHourly, FixedHourly float64
	Fixed                             bool
	Projection                        projection.Platform
	ProjOptions                       projection.Options
	// AfterStart, if set, runs once the initial capacity is in service: the container
	// platforms start service auto scaling then, as their live Start does after its wait.
	AfterStart func() error
	// Lambda routes requests through API Gateway and the function's pool; nil for the
	// platforms behind a balancer or reached directly.
	Lambda *lambdaRoute
	// Serverless platforms have no initial capacity to wait for beyond Initial
	// (provisioned concurrency).
	Serverless bool
	Initial    int
}

// SimKinds lists the platform kinds the simulator can run.
var SimKinds = []string{"ec2", "asg", "ecs-ec2", "fargate", "ecs-mi", "lambda"}

// ErrKindNotSimulated is returned for platform kinds the simulator cannot run yet.
var ErrKindNotSimulated = errors.New("not simulated yet")

// Build builds one scenario platform on the simulator's world. timescale overrides the
// scenario's when > 0.
func Build(sp scenario.Platform, s *scenario.Scenario, w fleet.World, book *pricing.Book, timescale float64) (*Built, error) {
	if timescale <= 0 {
		timescale = s.Timescale
	}
	switch sp.Kind {
	case "ec2":
		var cfg ec2.Config
		if err := decode(&sp.Settings, &cfg); err != nil {
			return nil, err
		}
		if err := sizeTemplate(&cfg.LaunchTemplate, book); err != nil {
			return nil, err
		}
		if cfg.Timescale == 0 {
			cfg.Timescale = timescale
		}
		cfg = cfg.WithDefaults()
		p, err := ec2.New(cfg, w)
		if err != nil {
			return nil, err
		}
		spec := cfg.LaunchTemplate.Spec()
		purchase, _ := pricing.ParsePurchase(cfg.Purchase)
		return &Built{Platform: p, Fleet: p.Fleet(), Size: cfg.InstanceType, UnitVCPU: spec.VCPU,
			UnitHourly: hourly(book, cfg.LaunchTemplate), Fixed: true, Projection: projection.EC2ASG,
			ProjOptions: projection.Options{InstanceType: cfg.InstanceType, Purchase: purchase}}, nil
	case "asg":
		var cfg asg.Config
		if err := decode(&sp.Settings, &cfg); err != nil {
			return nil, err
		}
		if cfg.LoadBalancer.HealthCheck.Path == "" {
			cfg.LoadBalancer.HealthCheck.Path = "/healthz"
		}
		if err := sizeTemplate(&cfg.LaunchTemplate, book); err != nil {
			return nil, err
		}
		if cfg.Timescale == 0 {
			cfg.Timescale = timescale
		}
		cfg = cfg.WithDefaults()
		p, err := asg.New(cfg, asg.Env{World: w, Prober: stoppedProber(w), NoFrontDoor: true})
		if err != nil {
			return nil, err
		}
		spec := cfg.LaunchTemplate.Spec()
		purchase, _ := pricing.ParsePurchase(cfg.Purchase)
		alb, _ := book.Rate(pricing.RateALBHour)
		return &Built{Platform: p, Fleet: p.Fleet(), Balancer: p.Balancer(),
			Size:     fmt.Sprintf("%s ×%d–%d", cfg.InstanceType, cfg.Min, cfg.Max),
			UnitVCPU: spec.VCPU, UnitHourly: hourly(book, cfg.LaunchTemplate), FixedHourly: alb,
			Projection: projection.EC2ASG, ProjOptions: projection.Options{InstanceType: cfg.InstanceType, Purchase: purchase, MinCapacity: max(cfg.Min, 1)}}, nil
	case "fargate":
		return buildFargate(sp, timescale, w, book)
	case "ecs-ec2":
		return buildECSEC2(sp, timescale, w, book)
	case "ecs-mi":
		return buildECSMI(sp, timescale, w, book)
	case "lambda":
		return buildLambda(sp, timescale, w)
	}
	return nil, fmt.Errorf("platform kind %q: %w (the simulator runs %v)", sp.Kind, ErrKindNotSimulated, SimKinds)
}

// worldFor is the simulator's fleet world: the engine's clock, the modelled machines and
// the same CPU-credit accountant as live runs (it is pure arithmetic on measured CPU).
func worldFor(eng *engine.Engine, drv *Driver, onEvent func(platform.Event)) fleet.World {
	return fleet.World{Clock: eng, Driver: drv, Credits: live.Credits, OnEvent: onEvent}
}

func decode(n *yaml.Node, cfg any) error { return scenario.DecodeStrict(n, cfg) }

// sizeTemplate fills vCPUs and memory from the catalog for types the fleet table lacks,
// as the runner does for live runs.
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
