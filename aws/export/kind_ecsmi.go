package export

import (
	"fmt"
	"math"

	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/ecsmi"
	"github.com/deploybench/deploybench/pricing"
)

func init() { builders["ecs-mi"] = buildECSMI }

// noteManagedInstances says how ECS Managed Instances is exported.
const noteManagedInstances = "ECS Managed Instances: the AWS::ECS::CapacityProvider registry schema this export is validated against " +
	"has no ManagedInstancesProvider, so the platform is exported as an Auto Scaling group capacity provider that chooses " +
	"instance types by the same attributes (MixedInstancesPolicy InstanceRequirements) with managed scaling; the instances are " +
	"ordinary EC2 instances (no Managed Instances fee, patching or replacement cycle)"

// noteManagedInstancesProper says what --ecs-managed-instances changes.
const noteManagedInstancesProper = "ECS Managed Instances proper (ManagedInstancesProvider): the registry schema the tests hold lacks it, " +
	"so this capacity provider is checked only against newer schemas (cfn-lint's), not by go test"

// buildECSMI exports an ecs-mi platform. See noteManagedInstances for why it is an Auto
// Scaling group capacity provider with attribute-based instance type selection.
func buildECSMI(b *builder) error {
	cfg, err := ecsmi.DecodeConfig(&b.p.Settings, 1)
	if err != nil {
		return err
	}
	b.ecsHealthPath(&cfg.ServiceConfig)
	if err := cfg.Validate(); err != nil {
		return err
	}
	req, err := instanceRequirements(cfg)
	if err != nil {
		return err
	}
	b.archNote(cfg.Requirements.Arch)
	if b.opts.ManagedInstances {
		b.note(noteManagedInstancesProper)
		b.buildManagedInstances(cfg, req)
		return nil
	}
	b.note(noteManagedInstances)
	b.network()
	b.cluster()
	b.alb(cfg.LoadBalancer, cfg.FrontDoor, albTarget{targetType: "ip", port: cfn.Ref(ParamAppPort)})
	arch := cfg.Requirements.Arch
	if cfg.Requirements.Accelerators != "" && arch != "arm64" {
		// GPU instances need the ECS GPU-optimised AMI (NVIDIA drivers, container toolkit).
		b.amiParameterPath(amiECSAL2023GPU)
	} else {
		b.amiParameter(arch, true)
	}
	b.instanceRole(true)
	b.containerInstanceSG()
	b.launchTemplate(ltSpec{monitoring: true, userData: ecsUserData(idCluster), publicSG: cfn.GetAtt(idInstanceSG, "GroupId")})
	override := cfn.LaunchTemplateOverride{InstanceRequirements: req}
	if cfg.InstanceType != "" {
		override = cfn.LaunchTemplateOverride{InstanceType: cfg.InstanceType}
	}
	mixed := &cfn.MixedInstancesPolicy{LaunchTemplate: cfn.MixedLaunchTemplate{LaunchTemplateSpecification: ltRef(),
		Overrides: []cfn.LaunchTemplateOverride{override}}}
	if cfg.Purchase == "spot" {
		mixed = spotPolicy(mixed.LaunchTemplate.Overrides)
	}
	b.add(idGroup, cfn.TypeAutoScalingGroup, cfn.AutoScalingGroup{
		MinSize: fmt.Sprint(cfg.Instances.Min), MaxSize: fmt.Sprint(cfg.Instances.Max),
		MixedInstancesPolicy: mixed, VPCZoneIdentifier: subnetIDs(),
		MetricsCollection: []cfn.MetricsCollection{{Granularity: "1Minute"}}, Tags: b.asgTags()}, idInternetReady)
	d := autoscale.AWSDefaults()
	b.capacityProvider(managedScaling{target: d.CapacityTargetPercent, minStep: d.CapacityMinStep, maxStep: d.CapacityMaxStep,
		warmup: seconds(d.CapacityInstanceWarmup)})
	b.taskDefinition(cfg.ServiceConfig, "EC2", arch)
	b.service(cfg.ServiceConfig, serviceSpec{strategy: []cfn.CapacityProviderItem{{CapacityProvider: cfn.Ref(idCapacityProvider), Weight: 1}},
		placement: cfg.Placement, dependsOn: []string{idClusterCP}})
	return nil
}

// manufacturers maps the scenario's CPU makers to InstanceRequirements' names.
var manufacturers = map[string]string{"intel": "intel", "amd": "amd", "aws": "amazon-web-services"}

// instanceRequirements turns the scenario's requirements into EC2 attribute-based
// selection. Unset ranges default to what one task needs (at least its vCPUs, and its
// memory plus what the agent keeps), as the emulator's choice does; burstable and bare
// metal types are excluded, and so are accelerators unless asked for, as in the model.
func instanceRequirements(cfg ecsmi.Config) (*cfn.InstanceRequirements, error) {
	f, err := cfg.Requirements.Filter()
	if err != nil {
		return nil, err
	}
	if len(cfg.Requirements.AllowedTypes) > 0 && len(cfg.Requirements.ExcludedTypes) > 0 {
		return nil, fmt.Errorf("ecs-mi.requirements: EC2 accepts allowed_types or excluded_types, not both (keep one)")
	}
	req := &cfn.InstanceRequirements{
		VCpuCount: intRange(f.VCPUs, 1), MemoryMiB: intRange(pricing.Range{Min: f.MemoryGiB.Min * 1024, Max: f.MemoryGiB.Max * 1024}, 1),
		AllowedInstanceTypes: cfg.Requirements.AllowedTypes, ExcludedInstanceTypes: cfg.Requirements.ExcludedTypes,
		BurstablePerformance: "excluded", BareMetal: "excluded",
	}
	if req.VCpuCount.Min == nil || float64(*req.VCpuCount.Min) < cfg.CPU {
		req.VCpuCount.Min = cfn.Int(max(1, int(math.Ceil(cfg.CPU))))
	}
	need := int(math.Ceil(float64(cfg.TaskMemoryMiB()) / (1 - cfg.ReservedMemoryFraction)))
	if req.MemoryMiB.Min == nil || *req.MemoryMiB.Min < need {
		req.MemoryMiB.Min = cfn.Int(need)
	}
	for _, m := range f.Manufacturers {
		if name, ok := manufacturers[m]; ok {
			req.CpuManufacturers = append(req.CpuManufacturers, name)
		}
	}
	if cfg.Requirements.Accelerators == "" {
		req.AcceleratorCount = &cfn.IntRange{Max: cfn.Int(0)}
	} else {
		r := intRange(f.GPUs, 0)
		req.AcceleratorCount, req.AcceleratorTypes = &r, []string{"gpu"}
	}
	if len(cfg.Requirements.AllowedTypes) == 0 {
		// The model leaves out previous generations unless types are named.
		req.InstanceGenerations = []string{"current"}
	}
	return req, nil
}

// intRange converts a catalog range (Max 0: open) to whole numbers, Min at least lo.
func intRange(r pricing.Range, lo int) cfn.IntRange {
	var out cfn.IntRange
	if r.Min > 0 {
		out.Min = cfn.Int(max(lo, int(math.Ceil(r.Min))))
	} else if lo > 0 {
		out.Min = cfn.Int(lo)
	}
	if r.Max > 0 {
		out.Max = cfn.Int(int(math.Floor(r.Max)))
	}
	return out
}
