package export

import (
	"fmt"
	"strings"
	"sync"

	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/pricing"
)

// Logical IDs of launched instances.
const (
	idInstanceRole    = "InstanceRole"
	idInstanceProfile = "InstanceProfile"
	idLaunchTemplate  = "LaunchTemplate"
	idInstanceSG      = "InstanceSecurityGroup"
)

// hostPort is the port instances serve on: the app container's port is published on 80.
const hostPort = 80

// Public SSM parameters that hold the current Amazon Linux 2023 AMIs. Source: [doc]
// "Query for the latest Amazon Linux AMI IDs using AWS Systems Manager Parameter Store"
// and "Retrieving Amazon ECS-optimized Linux AMI metadata".
const (
	amiAL2023X86    = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
	amiAL2023ARM    = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
	amiECSAL2023X86 = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
	amiECSAL2023ARM = "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
	amiECSAL2023GPU = "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"
)

var catalog = sync.OnceValues(pricing.Embedded)

// instanceInfo looks an instance type up in the embedded catalog (architecture,
// burstable); an unknown type gives x86_64 and not burstable.
func instanceInfo(typ string) pricing.Instance {
	if cat, err := catalog(); err == nil {
		if in, err := cat.Instance(typ); err == nil {
			return in
		}
	}
	return pricing.Instance{Type: typ, Arch: "x86_64"}
}

// sizeTemplate fills vCPUs and memory of a type the fleet's own table does not list from
// the catalog, as the runner does, so that the platform's Validate accepts it.
func sizeTemplate(t *fleet.LaunchTemplate) error {
	if t.InstanceType == "" {
		return nil
	}
	if _, err := fleet.LookupType(t.InstanceType, t.VCPU, t.MemoryMiB); err == nil {
		return nil
	}
	cat, err := catalog()
	if err != nil {
		return err
	}
	in, err := cat.Instance(t.InstanceType)
	if err != nil {
		return fmt.Errorf("instance_type: %v", err)
	}
	if t.VCPU == 0 {
		t.VCPU = float64(in.VCPUs)
	}
	if t.MemoryMiB == 0 {
		t.MemoryMiB = in.MemoryMiB
	}
	return nil
}

// amiParameter adds the AmiId parameter: the latest Amazon Linux 2023 AMI (ECS-optimised
// for container instances) for arch, resolved from SSM when the stack is created.
func (b *builder) amiParameter(arch string, ecsOptimized bool) {
	path := map[[2]bool]string{{false, false}: amiAL2023X86, {false, true}: amiAL2023ARM,
		{true, false}: amiECSAL2023X86, {true, true}: amiECSAL2023ARM}[[2]bool{ecsOptimized, arch == "arm64"}]
	b.amiParameterPath(path)
}

// amiParameterPath adds the AmiId parameter with the given SSM path as its default.
func (b *builder) amiParameterPath(path string) {
	b.t.Parameters[ParamAmiID] = cfn.Parameter{Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: path,
		Description: "AMI of the instances (an SSM parameter path; default the latest Amazon Linux 2023 for the instance type's architecture)"}
}

// instanceRole adds the instances' role and instance profile: ECR pull only (plain
// instances), or the ECS container instance policy (container instances).
func (b *builder) instanceRole(ecsAgent bool) {
	if ecsAgent {
		// The AWS managed policy for container instances: register with the cluster,
		// poll for tasks, pull images, write logs. Nothing beyond what the agent does.
		b.role(idInstanceRole, "ec2.amazonaws.com", "ECS container instances: the ECS agent's permissions",
			[]any{managedPolicy("service-role/AmazonEC2ContainerServiceforEC2Role")})
	} else {
		b.role(idInstanceRole, "ec2.amazonaws.com", "deploybench instances: pull the app image from ECR", nil, ecrPull())
	}
	b.add(idInstanceProfile, cfn.TypeInstanceProfile, cfn.InstanceProfile{Roles: []any{cfn.Ref(idInstanceRole)}})
}

// dockerUserData is the boot script of a plain instance: install Docker, log in to ECR
// when the image is there, run the app with its port published on 80.
func (b *builder) dockerUserData() any {
	var env []string
	for _, k := range sortedKeys(b.sc.App.Env) {
		env = append(env, "-e "+shellQuote(k+"="+b.sc.App.Env[k]))
	}
	script := strings.Join([]string{
		"#!/bin/bash",
		"# deploybench: run the app container, its port published on 80",
		"set -eu",
		"dnf install -y docker",
		"systemctl enable --now docker",
		"IMAGE='${" + ParamImageURI + "}'",
		`REGISTRY=$(echo "$IMAGE" | cut -d/ -f1)`,
		`case "$REGISTRY" in *.dkr.ecr.*.amazonaws.com*)`,
		`  aws ecr get-login-password --region "$(echo "$REGISTRY" | cut -d. -f4)" | docker login --username AWS --password-stdin "$REGISTRY";;`,
		"esac",
		// HOST: the published port reaches the container's own address, not its loopback.
		"docker run -d --restart always --name app -p " + fmt.Sprint(hostPort) + ":${" + ParamAppPort + "} -e HOST=0.0.0.0 -e PORT=${" + ParamAppPort + "} " +
			strings.Join(append(env, `"$IMAGE"`), " "),
		"",
	}, "\n")
	return cfn.Base64(cfn.Sub(script))
}

// ecsUserData is the boot script of a container instance: join the cluster.
func ecsUserData(clusterID string) any {
	return cfn.Base64(cfn.Sub("#!/bin/bash\necho ECS_CLUSTER=${" + clusterID + "} >> /etc/ecs/ecs.config\n"))
}

// shellQuote quotes s for bash in single quotes, escaping "${" for Fn::Sub.
func shellQuote(s string) string {
	s = strings.ReplaceAll(s, "'", `'\''`)
	s = strings.ReplaceAll(s, "${", "${!")
	return "'" + s + "'"
}

// ltSpec describes a launch template; instanceType is empty when the group chooses types
// by attributes.
type ltSpec struct {
	instanceType string
	creditMode   string
	spot         bool // buy as Spot through the launch template (single instances)
	monitoring   bool
	userData     any
	// publicSG, when set, gives the instances a public address and this security group
	// (instances in public subnets need one to reach ECR and ECS without a NAT gateway).
	publicSG any
	// untaggedInstance leaves the instance tags to the launching resource (a single
	// AWS::EC2::Instance carries its own Tags; declaring them twice is ambiguous).
	untaggedInstance bool
}

// launchTemplate adds the launch template of the instances: Amazon Linux 2023 (the
// AmiId parameter), the instance profile, IMDSv2 only, credits, Spot, monitoring, tags.
func (b *builder) launchTemplate(s ltSpec) {
	data := cfn.LaunchTemplateData{
		ImageId: cfn.Ref(ParamAmiID), InstanceType: s.instanceType,
		IamInstanceProfile: &cfn.LTIamInstanceProfile{Arn: cfn.GetAtt(idInstanceProfile, "Arn")},
		UserData:           s.userData,
		Monitoring:         &cfn.LTMonitoring{Enabled: s.monitoring},
		// IMDSv2 only; hop limit 2 lets containers on the instance reach it.
		MetadataOptions:   &cfn.LTMetadataOptions{HttpTokens: "required", HttpPutResponseHopLimit: 2},
		TagSpecifications: []cfn.TagSpecification{{ResourceType: "volume", Tags: b.namedTags("instance")}},
	}
	if !s.untaggedInstance {
		data.TagSpecifications = append([]cfn.TagSpecification{{ResourceType: "instance", Tags: b.namedTags("instance")}}, data.TagSpecifications...)
	}
	if s.publicSG != nil {
		data.NetworkInterfaces = []cfn.LTNetworkInterface{{DeviceIndex: 0, AssociatePublicIpAddress: true,
			Groups: []any{s.publicSG}, DeleteOnTermination: true}}
	}
	if s.instanceType != "" && instanceInfo(s.instanceType).Burstable && s.creditMode != "" {
		data.CreditSpecification = &cfn.LTCreditSpecification{CpuCredits: s.creditMode}
	}
	if s.spot {
		data.InstanceMarketOptions = &cfn.LTInstanceMarketOptions{MarketType: "spot"}
	}
	b.add(idLaunchTemplate, cfn.TypeLaunchTemplate, cfn.LaunchTemplate{LaunchTemplateData: data,
		TagSpecifications: []cfn.TagSpecification{{ResourceType: "launch-template", Tags: b.tags()}}})
}

// ltRef names the launch template's latest version.
func ltRef() cfn.LaunchTemplateSpec {
	return cfn.LaunchTemplateSpec{LaunchTemplateId: cfn.Ref(idLaunchTemplate), Version: cfn.GetAtt(idLaunchTemplate, "LatestVersionNumber")}
}

// purchase maps the scenario's purchase option: spot is deployed as Spot; reserved
// capacity and savings plans are billing arrangements with nothing to deploy.
func (b *builder) purchase(p string) (spot bool) {
	po, err := pricing.ParsePurchase(p)
	switch {
	case err != nil || p == "" || p == fleet.DefaultPurchase:
		return false
	case po.Kind == pricing.Spot:
		return true
	}
	b.note("purchase %q is a billing arrangement (reserved capacity, a savings plan or a dedicated host); the template launches on-demand instances", p)
	return false
}
