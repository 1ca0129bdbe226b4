package export

import (
	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/ecsmi"
)

// Logical IDs of ECS Managed Instances proper.
const (
	idInfraRole = "ManagedInstancesInfrastructureRole"
	idMIRole    = "ManagedInstanceRole"
	idMIProfile = "ManagedInstanceProfile"
)

// buildManagedInstances exports an ecs-mi platform as ECS Managed Instances: a cluster-
// scoped capacity provider that ECS scales itself, instances chosen by the scenario's
// attribute requirements, the service behind an ALB on it.
func (b *builder) buildManagedInstances(cfg ecsmi.Config, req *cfn.InstanceRequirements) {
	b.network()
	b.cluster()
	b.alb(cfg.LoadBalancer, cfg.FrontDoor, albTarget{targetType: "ip", port: cfn.Ref(ParamAppPort)})
	// The instance role: what the ECS agent on a managed instance needs (AWS managed
	// policy for Managed Instances).
	b.role(idMIRole, "ec2.amazonaws.com", "ECS Managed Instances: the agent's permissions on the instances",
		[]any{managedPolicy("AmazonECSInstanceRolePolicyForManagedInstances")})
	b.add(idMIProfile, cfn.TypeInstanceProfile, cfn.InstanceProfile{Roles: []any{cfn.Ref(idMIRole)}})
	// The infrastructure role ECS assumes to launch and terminate the instances. The AWS
	// managed policy lets it pass only roles named ecsInstanceRole*; the stack's role has a
	// generated name, so passing exactly that role (to EC2) is granted here.
	b.role(idInfraRole, "ecs.amazonaws.com", "ECS Managed Instances: launch and manage the instances",
		[]any{managedPolicy("AmazonECSInfrastructureRolePolicyForManagedInstances")},
		cfn.InlinePolicy{PolicyName: "pass-instance-role", PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: []cfn.Statement{{
			Effect: "Allow", Action: []string{"iam:PassRole"}, Resource: cfn.GetAtt(idMIRole, "Arn"),
			Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ec2.amazonaws.com"}},
		}}}})
	b.containerInstanceSG()
	capacity := "ON_DEMAND"
	if cfg.Purchase == "spot" {
		capacity = "SPOT"
	}
	if cfg.InstanceType != "" {
		req.AllowedInstanceTypes, req.ExcludedInstanceTypes = []string{cfg.InstanceType}, nil
	}
	scaleIn := -1
	if cfg.ScaleInAfter >= 0 {
		scaleIn = b.clamp("scale_in_after (s)", seconds(cfg.ScaleInAfter), 0, 3600)
	}
	b.add(idCapacityProvider, cfn.TypeCapacityProvider, cfn.CapacityProvider{
		ClusterName: cfn.Ref(idCluster),
		ManagedInstancesProvider: &cfn.ManagedInstancesProvider{
			InfrastructureRoleArn: cfn.GetAtt(idInfraRole, "Arn"),
			InstanceLaunchTemplate: cfn.MIInstanceLaunchTemplate{
				Ec2InstanceProfileArn: cfn.GetAtt(idMIProfile, "Arn"),
				NetworkConfiguration: cfn.MINetworkConfiguration{Subnets: subnetIDs(),
					SecurityGroups: []any{cfn.GetAtt(idInstanceSG, "GroupId")}},
				InstanceRequirements: req, CapacityOptionType: capacity, Monitoring: "DETAILED",
			},
			PropagateTags:              "CAPACITY_PROVIDER",
			InfrastructureOptimization: &cfn.MIOptimization{ScaleInAfter: cfn.Int(scaleIn)},
		},
		Tags: b.tags()}, idInternetReady)
	if cfg.Instances.Min > 0 || cfg.Instances.Max != ecsmi.DefaultMaxInstances {
		b.note("instances.min/max: ECS Managed Instances sizes the fleet itself; %d–%d not exported", cfg.Instances.Min, cfg.Instances.Max)
	}
	b.taskDefinition(cfg.ServiceConfig, "MANAGED_INSTANCES", cfg.Requirements.Arch)
	// A cluster-scoped Managed Instances capacity provider needs no association with the
	// cluster: the service names it directly.
	b.service(cfg.ServiceConfig, serviceSpec{strategy: []cfn.CapacityProviderItem{{CapacityProvider: cfn.Ref(idCapacityProvider), Weight: 1}},
		placement: cfg.Placement})
}
