package export

import (
	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/ec2"
	"github.com/deploybench/deploybench/scenario"
)

func init() { builders["ec2"] = buildEC2 }

const idInstance = "Instance"

// buildEC2 exports an ec2 platform: one instance running the app container, reachable on
// port 80 from AllowedCidr only. There is no load balancer, so the instance's own
// security group is the one that admits the load generator.
func buildEC2(b *builder) error {
	var cfg ec2.Config
	if err := scenario.DecodeStrict(&b.p.Settings, &cfg); err != nil {
		return err
	}
	if err := sizeTemplate(&cfg.LaunchTemplate); err != nil {
		return err
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	b.network()
	b.amiParameter(instanceInfo(cfg.InstanceType).Arch, false)
	b.archNote(instanceInfo(cfg.InstanceType).Arch)
	b.instanceRole(false)
	b.add(idInstanceSG, cfn.TypeSecurityGroup, cfn.SecurityGroup{
		GroupDescription: "deploybench instance: HTTP from AllowedCidr only",
		VpcId:            vpcID(),
		SecurityGroupIngress: []cfn.IngressRule{{IpProtocol: "tcp", FromPort: hostPort, ToPort: hostPort,
			CidrIp: cfn.Ref(ParamAllowedCidr), Description: "load generator"}},
		Tags: b.namedTags("instance")})
	b.launchTemplate(ltSpec{instanceType: cfg.InstanceType, creditMode: cfg.CreditMode, spot: b.purchase(cfg.Purchase),
		monitoring: true, userData: b.dockerUserData(), untaggedInstance: true})
	lt := ltRef()
	b.add(idInstance, cfn.TypeInstance, cfn.Instance{
		LaunchTemplate: &cfn.InstanceLaunchTemplateID{LaunchTemplateId: lt.LaunchTemplateId, Version: lt.Version},
		// The same type as the launch template's, stated on the instance too so that a
		// reader of the template (a cost estimate) need not follow the reference.
		InstanceType: cfg.InstanceType,
		NetworkInterfaces: []cfn.InstanceNetworkIface{{DeviceIndex: "0", SubnetId: firstSubnet(), AssociatePublicIpAddress: true,
			GroupSet: []any{cfn.GetAtt(idInstanceSG, "GroupId")}, DeleteOnTermination: true}},
		Tags: b.namedTags("instance")}, idInternetReady)
	b.output(cfn.Sub("http://${"+idInstance+".PublicDnsName}"), "The instance's URL (HTTP, port 80)")
	return nil
}
