package export

import "github.com/deploybench/deploybench/aws/cfn"

// condCreateVPC holds when no VpcId is given: the template then creates its own VPC.
const condCreateVPC = "CreateVpc"

// Logical IDs of the network the template creates when no VPC is given.
const (
	idVPC          = "Vpc"
	idIGW          = "InternetGateway"
	idIGWAttach    = "InternetGatewayAttachment"
	idSubnetA      = "PublicSubnetA"
	idSubnetB      = "PublicSubnetB"
	idRouteTable   = "PublicRouteTable"
	idDefaultRoute = "PublicDefaultRoute"
	vpcCIDR        = "10.0.0.0/16"
)

// network adds the CreateVpc condition and the VPC it creates: two public subnets in the
// region's first two availability zones, an internet gateway and a default route. Public
// subnets keep the stack free of NAT gateways (about $0.045/h each); instances and tasks
// are still reachable only from the load balancer (security groups).
func (b *builder) network() {
	b.t.Conditions[condCreateVPC] = cfn.Equals(cfn.Ref(ParamVpcID), "")
	// An existing VPC needs its subnets: refuse at creation, with a message, rather than
	// fail later inside the load balancer or the group.
	b.t.Rules["SubnetsWithVpc"] = cfn.Rule{
		RuleCondition: cfn.Not(cfn.Equals(cfn.Ref(ParamVpcID), "")),
		Assertions: []cfn.Assertion{{Assert: cfn.Not(cfn.Contains(cfn.Ref(ParamSubnetIDs), "")),
			AssertDescription: "With VpcId, give SubnetIds: two or more public subnets of that VPC in different availability zones"}}}
	cond := func(id, typ string, props any, dependsOn ...string) {
		b.t.Add(id, cfn.Resource{Type: typ, Condition: condCreateVPC, Properties: props, DependsOn: dependsOn})
	}
	cond(idVPC, cfn.TypeVPC, cfn.VPC{CidrBlock: vpcCIDR, EnableDnsHostnames: true, EnableDnsSupport: true, Tags: b.namedTags("vpc")})
	cond(idIGW, cfn.TypeInternetGateway, cfn.InternetGateway{Tags: b.namedTags("igw")})
	cond(idIGWAttach, cfn.TypeVPCGatewayAttachment, cfn.VPCGatewayAttachment{VpcId: cfn.Ref(idVPC), InternetGatewayId: cfn.Ref(idIGW)})
	cond(idRouteTable, cfn.TypeRouteTable, cfn.RouteTable{VpcId: cfn.Ref(idVPC), Tags: b.namedTags("public")})
	cond(idDefaultRoute, cfn.TypeRoute, cfn.Route{RouteTableId: cfn.Ref(idRouteTable), DestinationCidrBlock: "0.0.0.0/0", GatewayId: cfn.Ref(idIGW)}, idIGWAttach)
	for i, id := range []string{idSubnetA, idSubnetB} {
		cidr := []string{"10.0.0.0/20", "10.0.16.0/20"}[i]
		cond(id, cfn.TypeSubnet, cfn.Subnet{VpcId: cfn.Ref(idVPC), CidrBlock: cidr, AvailabilityZone: cfn.Select(i, cfn.GetAZs()),
			MapPublicIpOnLaunch: true, Tags: b.namedTags("public-" + string(rune('a'+i)))})
		cond(id+"Routes", cfn.TypeSubnetRouteTableAssociation, cfn.SubnetRouteTableAssociation{RouteTableId: cfn.Ref(idRouteTable), SubnetId: cfn.Ref(id)})
	}
	b.internetReady()
}

// vpcID is the VPC the stack uses: its own or the VpcId parameter.
func vpcID() any { return cfn.If(condCreateVPC, cfn.Ref(idVPC), cfn.Ref(ParamVpcID)) }

// subnetIDs are the subnets the stack uses: its own two or the SubnetIds parameter.
func subnetIDs() any {
	return cfn.If(condCreateVPC, []any{cfn.Ref(idSubnetA), cfn.Ref(idSubnetB)}, cfn.Ref(ParamSubnetIDs))
}

// firstSubnet is the subnet a single instance goes to.
func firstSubnet() any {
	return cfn.If(condCreateVPC, cfn.Ref(idSubnetA), cfn.Select(0, cfn.Ref(ParamSubnetIDs)))
}

// idInternetReady is a placeholder resource that exists only to wait for the created
// VPC's default route: DependsOn cannot be conditional, so it carries the dependency in
// its metadata through Fn::If (a common CloudFormation pattern), and public resources
// (load balancers, instances with public addresses) depend on it.
const idInternetReady = "InternetReady"

func (b *builder) internetReady() {
	b.t.Add(idInternetReady, cfn.Resource{Type: cfn.TypeWaitConditionHandle,
		Metadata: map[string]any{"DefaultRoute": cfn.If(condCreateVPC, cfn.Ref(idDefaultRoute), "")}})
}
