package cfn

// Resource type names of EC2.
const (
	TypeVPC                         = "AWS::EC2::VPC"
	TypeSubnet                      = "AWS::EC2::Subnet"
	TypeInternetGateway             = "AWS::EC2::InternetGateway"
	TypeVPCGatewayAttachment        = "AWS::EC2::VPCGatewayAttachment"
	TypeRouteTable                  = "AWS::EC2::RouteTable"
	TypeRoute                       = "AWS::EC2::Route"
	TypeSubnetRouteTableAssociation = "AWS::EC2::SubnetRouteTableAssociation"
	TypeSecurityGroup               = "AWS::EC2::SecurityGroup"
	TypeInstance                    = "AWS::EC2::Instance"
	TypeLaunchTemplate              = "AWS::EC2::LaunchTemplate"
	// TypeWaitConditionHandle is AWS::CloudFormation::WaitConditionHandle: a resource
	// with no properties, used to make a dependency conditional.
	TypeWaitConditionHandle = "AWS::CloudFormation::WaitConditionHandle"
)

// VPC is AWS::EC2::VPC.
type VPC struct {
	CidrBlock          string `json:"CidrBlock,omitempty"`
	EnableDnsHostnames bool   `json:"EnableDnsHostnames,omitempty"`
	EnableDnsSupport   bool   `json:"EnableDnsSupport,omitempty"`
	Tags               []Tag  `json:"Tags,omitempty"`
}

// Subnet is AWS::EC2::Subnet.
type Subnet struct {
	VpcId               any    `json:"VpcId"`
	CidrBlock           string `json:"CidrBlock,omitempty"`
	AvailabilityZone    any    `json:"AvailabilityZone,omitempty"`
	MapPublicIpOnLaunch bool   `json:"MapPublicIpOnLaunch,omitempty"`
	Tags                []Tag  `json:"Tags,omitempty"`
}

// InternetGateway is AWS::EC2::InternetGateway.
type InternetGateway struct {
	Tags []Tag `json:"Tags,omitempty"`
}

// VPCGatewayAttachment is AWS::EC2::VPCGatewayAttachment.
type VPCGatewayAttachment struct {
	VpcId             any `json:"VpcId"`
	InternetGatewayId any `json:"InternetGatewayId,omitempty"`
}

// RouteTable is AWS::EC2::RouteTable.
type RouteTable struct {
	VpcId any   `json:"VpcId"`
	Tags  []Tag `json:"Tags,omitempty"`
}

// Route is AWS::EC2::Route.
type Route struct {
	RouteTableId         any    `json:"RouteTableId"`
	DestinationCidrBlock string `json:"DestinationCidrBlock,omitempty"`
	GatewayId            any    `json:"GatewayId,omitempty"`
}

// SubnetRouteTableAssociation is AWS::EC2::SubnetRouteTableAssociation.
type SubnetRouteTableAssociation struct {
	RouteTableId any `json:"RouteTableId"`
	SubnetId     any `json:"SubnetId"`
}

// SecurityGroup is AWS::EC2::SecurityGroup.
type SecurityGroup struct {
	GroupDescription     string        `json:"GroupDescription"`
	VpcId                any           `json:"VpcId,omitempty"`
	SecurityGroupIngress []IngressRule `json:"SecurityGroupIngress,omitempty"`
	SecurityGroupEgress  []EgressRule  `json:"SecurityGroupEgress,omitempty"`
	Tags                 []Tag         `json:"Tags,omitempty"`
}

// IngressRule is one inbound rule of a security group: from a CIDR or from another
// security group.
type IngressRule struct {
	IpProtocol            string `json:"IpProtocol"`
	FromPort              any    `json:"FromPort,omitempty"`
	ToPort                any    `json:"ToPort,omitempty"`
	CidrIp                any    `json:"CidrIp,omitempty"`
	SourceSecurityGroupId any    `json:"SourceSecurityGroupId,omitempty"`
	Description           string `json:"Description,omitempty"`
}

// EgressRule is one outbound rule of a security group.
type EgressRule struct {
	IpProtocol  string `json:"IpProtocol"`
	FromPort    any    `json:"FromPort,omitempty"`
	ToPort      any    `json:"ToPort,omitempty"`
	CidrIp      any    `json:"CidrIp,omitempty"`
	Description string `json:"Description,omitempty"`
}

// Instance is AWS::EC2::Instance.
type Instance struct {
	ImageId             any                       `json:"ImageId,omitempty"`
	InstanceType        string                    `json:"InstanceType,omitempty"`
	IamInstanceProfile  any                       `json:"IamInstanceProfile,omitempty"`
	NetworkInterfaces   []InstanceNetworkIface    `json:"NetworkInterfaces,omitempty"`
	UserData            any                       `json:"UserData,omitempty"`
	Monitoring          bool                      `json:"Monitoring,omitempty"`
	CreditSpecification *InstanceCreditSpec       `json:"CreditSpecification,omitempty"`
	Tags                []Tag                     `json:"Tags,omitempty"`
	LaunchTemplate      *InstanceLaunchTemplateID `json:"LaunchTemplate,omitempty"`
}

// InstanceNetworkIface is a network interface of AWS::EC2::Instance.
type InstanceNetworkIface struct {
	DeviceIndex              string `json:"DeviceIndex"`
	SubnetId                 any    `json:"SubnetId,omitempty"`
	GroupSet                 []any  `json:"GroupSet,omitempty"`
	AssociatePublicIpAddress bool   `json:"AssociatePublicIpAddress,omitempty"`
	DeleteOnTermination      bool   `json:"DeleteOnTermination,omitempty"`
}

// InstanceCreditSpec is the burstable credit option of an instance: standard or
// unlimited.
type InstanceCreditSpec struct {
	CPUCredits string `json:"CPUCredits,omitempty"`
}

// InstanceLaunchTemplateID names a launch template for an instance.
type InstanceLaunchTemplateID struct {
	LaunchTemplateId any `json:"LaunchTemplateId,omitempty"`
	Version          any `json:"Version"`
}

// LaunchTemplate is AWS::EC2::LaunchTemplate.
type LaunchTemplate struct {
	LaunchTemplateData LaunchTemplateData `json:"LaunchTemplateData"`
	TagSpecifications  []TagSpecification `json:"TagSpecifications,omitempty"`
}

// LaunchTemplateData is what a launch template launches.
type LaunchTemplateData struct {
	ImageId               any                      `json:"ImageId,omitempty"`
	InstanceType          string                   `json:"InstanceType,omitempty"`
	IamInstanceProfile    *LTIamInstanceProfile    `json:"IamInstanceProfile,omitempty"`
	NetworkInterfaces     []LTNetworkInterface     `json:"NetworkInterfaces,omitempty"`
	SecurityGroupIds      []any                    `json:"SecurityGroupIds,omitempty"`
	UserData              any                      `json:"UserData,omitempty"`
	Monitoring            *LTMonitoring            `json:"Monitoring,omitempty"`
	CreditSpecification   *LTCreditSpecification   `json:"CreditSpecification,omitempty"`
	InstanceMarketOptions *LTInstanceMarketOptions `json:"InstanceMarketOptions,omitempty"`
	MetadataOptions       *LTMetadataOptions       `json:"MetadataOptions,omitempty"`
	TagSpecifications     []TagSpecification       `json:"TagSpecifications,omitempty"`
}

// LTIamInstanceProfile names the instance profile of a launch template.
type LTIamInstanceProfile struct {
	Arn  any `json:"Arn,omitempty"`
	Name any `json:"Name,omitempty"`
}

// LTNetworkInterface is a network interface of a launch template.
type LTNetworkInterface struct {
	DeviceIndex              int   `json:"DeviceIndex"`
	AssociatePublicIpAddress bool  `json:"AssociatePublicIpAddress,omitempty"`
	Groups                   []any `json:"Groups,omitempty"`
	DeleteOnTermination      bool  `json:"DeleteOnTermination,omitempty"`
}

// LTMonitoring turns detailed (1-minute) monitoring on.
type LTMonitoring struct {
	Enabled bool `json:"Enabled"`
}

// LTCreditSpecification is standard or unlimited CPU credits.
type LTCreditSpecification struct {
	CpuCredits string `json:"CpuCredits"`
}

// LTInstanceMarketOptions buys the instances as Spot (MarketType "spot").
type LTInstanceMarketOptions struct {
	MarketType string `json:"MarketType"`
}

// LTMetadataOptions configures the instance metadata service.
type LTMetadataOptions struct {
	HttpTokens              string `json:"HttpTokens,omitempty"`
	HttpPutResponseHopLimit int    `json:"HttpPutResponseHopLimit,omitempty"`
}
