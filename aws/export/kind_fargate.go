package export

import (
	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/fargate"
)

func init() { builders["fargate"] = buildFargate }

// buildFargate exports a fargate platform: a cluster, a task definition of the scenario's
// size and architecture, a service behind an ALB on Fargate (or Fargate Spot) and
// service auto scaling.
func buildFargate(b *builder) error {
	cfg, err := fargate.DecodeConfig(&b.p.Settings, 1)
	if err != nil {
		return err
	}
	b.ecsHealthPath(&cfg.ServiceConfig)
	if err := cfg.Validate(); err != nil {
		return err
	}
	b.network()
	b.cluster()
	b.alb(cfg.LoadBalancer, cfg.FrontDoor, albTarget{targetType: "ip", port: cfn.Ref(ParamAppPort)})
	b.taskDefinition(cfg.ServiceConfig, "FARGATE", cfg.Arch)
	b.archNote(cfg.Arch)
	spec := serviceSpec{launchType: "FARGATE", assignPublicIP: true}
	if cfg.Spot {
		const id = "ClusterCapacityProviders"
		b.add(id, cfn.TypeClusterCPAssociations, cfn.ClusterCPAssociations{Cluster: cfn.Ref(idCluster),
			CapacityProviders:               []any{"FARGATE", "FARGATE_SPOT"},
			DefaultCapacityProviderStrategy: []cfn.CapacityProviderItem{{CapacityProvider: "FARGATE_SPOT", Weight: 1}}})
		spec = serviceSpec{strategy: []cfn.CapacityProviderItem{{CapacityProvider: "FARGATE_SPOT", Weight: 1}},
			assignPublicIP: true, dependsOn: []string{id}}
	}
	b.service(cfg.ServiceConfig, spec)
	return nil
}
