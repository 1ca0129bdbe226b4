package export

import (
	"fmt"
	"math"

	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecsec2"
)

func init() { builders["ecs-ec2"] = buildECSEC2 }

// Logical IDs of the ECS container instances.
const (
	idCapacityProvider = "CapacityProvider"
	idClusterCP        = "ClusterCapacityProviders"
)

// buildECSEC2 exports an ecs-ec2 platform: container instances in an Auto Scaling group
// that an ECS capacity provider scales (managed scaling on CapacityProviderReservation),
// and the service behind an ALB with service auto scaling.
func buildECSEC2(b *builder) error {
	var cfg ecsec2.Config
	if err := ecs.DecodeStrict(&b.p.Settings, &cfg); err != nil {
		return err
	}
	if err := sizeTemplate(&cfg.LaunchTemplate); err != nil {
		return err
	}
	cfg = cfg.WithDefaults()
	b.ecsHealthPath(&cfg.ServiceConfig)
	if err := cfg.Validate(); err != nil {
		return err
	}
	b.network()
	b.cluster()
	b.alb(cfg.LoadBalancer, cfg.FrontDoor, albTarget{targetType: "ip", port: cfn.Ref(ParamAppPort)})
	info := instanceInfo(cfg.InstanceType)
	b.amiParameter(info.Arch, true)
	b.archNote(info.Arch)
	b.instanceRole(true)
	b.containerInstanceSG()
	spot := b.purchase(cfg.Purchase)
	b.launchTemplate(ltSpec{instanceType: cfg.InstanceType, creditMode: cfg.CreditMode, monitoring: true,
		userData: ecsUserData(idCluster), publicSG: cfn.GetAtt(idInstanceSG, "GroupId")})
	group := cfn.AutoScalingGroup{MinSize: fmt.Sprint(cfg.Instances.Min), MaxSize: fmt.Sprint(cfg.Instances.Max),
		VPCZoneIdentifier: subnetIDs(), MetricsCollection: []cfn.MetricsCollection{{Granularity: "1Minute"}}, Tags: b.asgTags()}
	if spot {
		group.MixedInstancesPolicy = spotPolicy([]cfn.LaunchTemplateOverride{{InstanceType: cfg.InstanceType}})
	} else {
		lt := ltRef()
		group.LaunchTemplate = &lt
	}
	b.add(idGroup, cfn.TypeAutoScalingGroup, group, idInternetReady)
	b.capacityProvider(managedScaling{target: cfg.TargetCapacity, minStep: cfg.MinimumScalingStepSize,
		maxStep: cfg.MaximumScalingStepSize, warmup: seconds(cfg.InstanceWarmup)})
	b.taskDefinition(cfg.ServiceConfig, "EC2", info.Arch)
	b.service(cfg.ServiceConfig, serviceSpec{strategy: []cfn.CapacityProviderItem{{CapacityProvider: cfn.Ref(idCapacityProvider), Weight: 1}},
		placement: cfg.Placement, dependsOn: []string{idClusterCP}})
	return nil
}

// containerInstanceSG is the container instances' security group: no inbound rule at
// all (tasks have their own interfaces and the targets' group), outbound to reach ECS and
// ECR.
func (b *builder) containerInstanceSG() {
	b.add(idInstanceSG, cfn.TypeSecurityGroup, cfn.SecurityGroup{
		GroupDescription: "deploybench container instances: no inbound traffic",
		VpcId:            vpcID(), Tags: b.namedTags("container-instances")})
}

// managedScaling is a capacity provider's managed scaling.
type managedScaling struct {
	target           float64
	minStep, maxStep int
	warmup           int
}

// capacityProvider adds the ASG capacity provider with managed scaling and makes it the
// cluster's default. Managed termination protection is off, so that deleting the stack
// is never blocked by protected instances; managed draining moves tasks off instances
// being terminated.
func (b *builder) capacityProvider(m managedScaling) {
	b.add(idCapacityProvider, cfn.TypeCapacityProvider, cfn.CapacityProvider{
		AutoScalingGroupProvider: &cfn.ASGProvider{AutoScalingGroupArn: cfn.Ref(idGroup),
			ManagedScaling: &cfn.ManagedScaling{Status: "ENABLED", TargetCapacity: int(math.Round(m.target)),
				MinimumScalingStepSize: m.minStep, MaximumScalingStepSize: m.maxStep, InstanceWarmupPeriod: cfn.Int(m.warmup)},
			ManagedTerminationProtection: "DISABLED", ManagedDraining: "ENABLED"},
		Tags: b.tags()})
	b.add(idClusterCP, cfn.TypeClusterCPAssociations, cfn.ClusterCPAssociations{Cluster: cfn.Ref(idCluster),
		CapacityProviders:               []any{cfn.Ref(idCapacityProvider)},
		DefaultCapacityProviderStrategy: []cfn.CapacityProviderItem{{CapacityProvider: cfn.Ref(idCapacityProvider), Weight: 1}}})
}

// spotPolicy buys a group's instances as Spot, cheapest-and-available first.
func spotPolicy(overrides []cfn.LaunchTemplateOverride) *cfn.MixedInstancesPolicy {
	return &cfn.MixedInstancesPolicy{
		LaunchTemplate: cfn.MixedLaunchTemplate{LaunchTemplateSpecification: ltRef(), Overrides: overrides},
		InstancesDistribution: &cfn.InstancesDistribution{OnDemandBaseCapacity: cfn.Int(0),
			OnDemandPercentageAboveBaseCapacity: cfn.Int(0), SpotAllocationStrategy: "price-capacity-optimized"}}
}
