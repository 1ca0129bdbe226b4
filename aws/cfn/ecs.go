package cfn

// Resource type names of ECS, Application Auto Scaling and CloudWatch Logs.
const (
	TypeCluster               = "AWS::ECS::Cluster"
	TypeCapacityProvider      = "AWS::ECS::CapacityProvider"
	TypeClusterCPAssociations = "AWS::ECS::ClusterCapacityProviderAssociations"
	TypeTaskDefinition        = "AWS::ECS::TaskDefinition"
	TypeService               = "AWS::ECS::Service"
	TypeScalableTarget        = "AWS::ApplicationAutoScaling::ScalableTarget"
	TypeAppScalingPolicy      = "AWS::ApplicationAutoScaling::ScalingPolicy"
	TypeLogGroup              = "AWS::Logs::LogGroup"
)

// Cluster is AWS::ECS::Cluster.
type Cluster struct {
	ClusterSettings []NameValue `json:"ClusterSettings,omitempty"`
	Tags            []Tag       `json:"Tags,omitempty"`
}

// CapacityProvider is AWS::ECS::CapacityProvider backed by an Auto Scaling group, or by
// ECS Managed Instances (then scoped to ClusterName).
type CapacityProvider struct {
	AutoScalingGroupProvider *ASGProvider              `json:"AutoScalingGroupProvider,omitempty"`
	ManagedInstancesProvider *ManagedInstancesProvider `json:"ManagedInstancesProvider,omitempty"`
	ClusterName              any                       `json:"ClusterName,omitempty"`
	Tags                     []Tag                     `json:"Tags,omitempty"`
}

// ManagedInstancesProvider lets ECS launch, patch and scale instances chosen by
// attributes (ECS Managed Instances). It is newer than some copies of the registry
// schema: see package export.
type ManagedInstancesProvider struct {
	InfrastructureRoleArn      any                      `json:"InfrastructureRoleArn"`
	InstanceLaunchTemplate     MIInstanceLaunchTemplate `json:"InstanceLaunchTemplate"`
	PropagateTags              string                   `json:"PropagateTags,omitempty"`
	InfrastructureOptimization *MIOptimization          `json:"InfrastructureOptimization,omitempty"`
}

// MIInstanceLaunchTemplate is how ECS Managed Instances launches instances.
type MIInstanceLaunchTemplate struct {
	Ec2InstanceProfileArn any                    `json:"Ec2InstanceProfileArn"`
	NetworkConfiguration  MINetworkConfiguration `json:"NetworkConfiguration"`
	InstanceRequirements  *InstanceRequirements  `json:"InstanceRequirements,omitempty"`
	CapacityOptionType    string                 `json:"CapacityOptionType,omitempty"`
	Monitoring            string                 `json:"Monitoring,omitempty"`
}

// MINetworkConfiguration places managed instances.
type MINetworkConfiguration struct {
	Subnets        any   `json:"Subnets"`
	SecurityGroups []any `json:"SecurityGroups"`
}

// MIOptimization: ScaleInAfter is how long idle or underused instances are kept
// (seconds; -1 keeps them).
type MIOptimization struct {
	ScaleInAfter *int `json:"ScaleInAfter,omitempty"`
}

// ASGProvider is the Auto Scaling group of a capacity provider and its managed scaling.
type ASGProvider struct {
	AutoScalingGroupArn          any             `json:"AutoScalingGroupArn"`
	ManagedScaling               *ManagedScaling `json:"ManagedScaling,omitempty"`
	ManagedTerminationProtection string          `json:"ManagedTerminationProtection,omitempty"`
	ManagedDraining              string          `json:"ManagedDraining,omitempty"`
}

// ManagedScaling is cluster auto scaling on CapacityProviderReservation.
type ManagedScaling struct {
	Status                 string `json:"Status,omitempty"`
	TargetCapacity         int    `json:"TargetCapacity,omitempty"`
	MinimumScalingStepSize int    `json:"MinimumScalingStepSize,omitempty"`
	MaximumScalingStepSize int    `json:"MaximumScalingStepSize,omitempty"`
	InstanceWarmupPeriod   *int   `json:"InstanceWarmupPeriod,omitempty"`
}

// ClusterCPAssociations is AWS::ECS::ClusterCapacityProviderAssociations.
type ClusterCPAssociations struct {
	Cluster                         any                    `json:"Cluster"`
	CapacityProviders               []any                  `json:"CapacityProviders"`
	DefaultCapacityProviderStrategy []CapacityProviderItem `json:"DefaultCapacityProviderStrategy"`
}

// CapacityProviderItem is one entry of a capacity provider strategy.
type CapacityProviderItem struct {
	CapacityProvider any `json:"CapacityProvider"`
	Base             int `json:"Base,omitempty"`
	Weight           int `json:"Weight,omitempty"`
}

// TaskDefinition is AWS::ECS::TaskDefinition. Cpu and Memory are strings (CPU units and
// MiB) in CloudFormation's schema.
type TaskDefinition struct {
	Family                  string                `json:"Family,omitempty"`
	RequiresCompatibilities []string              `json:"RequiresCompatibilities,omitempty"`
	NetworkMode             string                `json:"NetworkMode,omitempty"`
	Cpu                     string                `json:"Cpu,omitempty"`
	Memory                  string                `json:"Memory,omitempty"`
	ExecutionRoleArn        any                   `json:"ExecutionRoleArn,omitempty"`
	RuntimePlatform         *RuntimePlatform      `json:"RuntimePlatform,omitempty"`
	ContainerDefinitions    []ContainerDefinition `json:"ContainerDefinitions,omitempty"`
	Tags                    []Tag                 `json:"Tags,omitempty"`
}

// RuntimePlatform is a task's OS and CPU architecture.
type RuntimePlatform struct {
	CpuArchitecture       string `json:"CpuArchitecture,omitempty"`
	OperatingSystemFamily string `json:"OperatingSystemFamily,omitempty"`
}

// ContainerDefinition is one container of a task.
type ContainerDefinition struct {
	Name             string            `json:"Name"`
	Image            any               `json:"Image"`
	Essential        bool              `json:"Essential,omitempty"`
	PortMappings     []PortMapping     `json:"PortMappings,omitempty"`
	Environment      []NameValue       `json:"Environment,omitempty"`
	LogConfiguration *LogConfiguration `json:"LogConfiguration,omitempty"`
}

// PortMapping exposes a container port.
type PortMapping struct {
	ContainerPort any    `json:"ContainerPort,omitempty"`
	Protocol      string `json:"Protocol,omitempty"`
}

// LogConfiguration sends a container's output to a log driver (awslogs).
type LogConfiguration struct {
	LogDriver string         `json:"LogDriver"`
	Options   map[string]any `json:"Options,omitempty"`
}

// Service is AWS::ECS::Service.
type Service struct {
	Cluster                       any                    `json:"Cluster,omitempty"`
	TaskDefinition                any                    `json:"TaskDefinition,omitempty"`
	DesiredCount                  *int                   `json:"DesiredCount,omitempty"`
	LaunchType                    string                 `json:"LaunchType,omitempty"`
	CapacityProviderStrategy      []CapacityProviderItem `json:"CapacityProviderStrategy,omitempty"`
	LoadBalancers                 []ServiceLoadBalancer  `json:"LoadBalancers,omitempty"`
	NetworkConfiguration          *NetworkConfiguration  `json:"NetworkConfiguration,omitempty"`
	HealthCheckGracePeriodSeconds *int                   `json:"HealthCheckGracePeriodSeconds,omitempty"`
	PlacementStrategies           []PlacementStrategy    `json:"PlacementStrategies,omitempty"`
	PropagateTags                 string                 `json:"PropagateTags,omitempty"`
	EnableECSManagedTags          bool                   `json:"EnableECSManagedTags,omitempty"`
	Tags                          []Tag                  `json:"Tags,omitempty"`
}

// ServiceLoadBalancer registers a service's containers in a target group.
type ServiceLoadBalancer struct {
	TargetGroupArn any    `json:"TargetGroupArn"`
	ContainerName  string `json:"ContainerName"`
	ContainerPort  any    `json:"ContainerPort"`
}

// NetworkConfiguration is the awsvpc network of a service's tasks.
type NetworkConfiguration struct {
	AwsvpcConfiguration AwsvpcConfiguration `json:"AwsvpcConfiguration"`
}

// AwsvpcConfiguration places tasks' network interfaces.
type AwsvpcConfiguration struct {
	Subnets        any    `json:"Subnets,omitempty"`
	SecurityGroups []any  `json:"SecurityGroups,omitempty"`
	AssignPublicIp string `json:"AssignPublicIp,omitempty"`
}

// PlacementStrategy is binpack, spread or random placement of tasks.
type PlacementStrategy struct {
	Type  string `json:"Type"`
	Field string `json:"Field,omitempty"`
}

// ScalableTarget is AWS::ApplicationAutoScaling::ScalableTarget.
type ScalableTarget struct {
	ServiceNamespace  string `json:"ServiceNamespace"`
	ScalableDimension string `json:"ScalableDimension"`
	ResourceId        any    `json:"ResourceId"`
	MinCapacity       int    `json:"MinCapacity"`
	MaxCapacity       int    `json:"MaxCapacity"`
}

// AppScalingPolicy is AWS::ApplicationAutoScaling::ScalingPolicy (target tracking).
type AppScalingPolicy struct {
	PolicyName                               string             `json:"PolicyName"`
	PolicyType                               string             `json:"PolicyType"`
	ScalingTargetId                          any                `json:"ScalingTargetId,omitempty"`
	TargetTrackingScalingPolicyConfiguration *AppTargetTracking `json:"TargetTrackingScalingPolicyConfiguration,omitempty"`
}

// AppTargetTracking tracks a predefined metric at a target, with cooldowns in seconds.
type AppTargetTracking struct {
	TargetValue                   float64           `json:"TargetValue"`
	PredefinedMetricSpecification *PredefinedMetric `json:"PredefinedMetricSpecification,omitempty"`
	ScaleInCooldown               *int              `json:"ScaleInCooldown,omitempty"`
	ScaleOutCooldown              *int              `json:"ScaleOutCooldown,omitempty"`
	DisableScaleIn                bool              `json:"DisableScaleIn,omitempty"`
}

// LogGroup is AWS::Logs::LogGroup.
type LogGroup struct {
	LogGroupName    any   `json:"LogGroupName,omitempty"`
	RetentionInDays int   `json:"RetentionInDays,omitempty"`
	Tags            []Tag `json:"Tags,omitempty"`
}
