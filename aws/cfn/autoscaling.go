package cfn

// Resource type names of EC2 Auto Scaling and CloudWatch.
const (
	TypeAutoScalingGroup = "AWS::AutoScaling::AutoScalingGroup"
	TypeScalingPolicy    = "AWS::AutoScaling::ScalingPolicy"
	TypeAlarm            = "AWS::CloudWatch::Alarm"
)

// AutoScalingGroup is AWS::AutoScaling::AutoScalingGroup. MinSize, MaxSize and
// DesiredCapacity are strings in CloudFormation's schema.
type AutoScalingGroup struct {
	MinSize                string                `json:"MinSize"`
	MaxSize                string                `json:"MaxSize"`
	DesiredCapacity        string                `json:"DesiredCapacity,omitempty"`
	LaunchTemplate         *LaunchTemplateSpec   `json:"LaunchTemplate,omitempty"`
	MixedInstancesPolicy   *MixedInstancesPolicy `json:"MixedInstancesPolicy,omitempty"`
	VPCZoneIdentifier      any                   `json:"VPCZoneIdentifier,omitempty"`
	TargetGroupARNs        []any                 `json:"TargetGroupARNs,omitempty"`
	HealthCheckType        string                `json:"HealthCheckType,omitempty"`
	HealthCheckGracePeriod *int                  `json:"HealthCheckGracePeriod,omitempty"`
	DefaultInstanceWarmup  *int                  `json:"DefaultInstanceWarmup,omitempty"`
	MetricsCollection      []MetricsCollection   `json:"MetricsCollection,omitempty"`
	Tags                   []ASGTag              `json:"Tags,omitempty"`
}

// LaunchTemplateSpec names a launch template version.
type LaunchTemplateSpec struct {
	LaunchTemplateId any `json:"LaunchTemplateId,omitempty"`
	Version          any `json:"Version"`
}

// MixedInstancesPolicy lets a group launch any type matching instance requirements
// (attribute-based instance type selection) and mix on-demand and Spot.
type MixedInstancesPolicy struct {
	LaunchTemplate        MixedLaunchTemplate    `json:"LaunchTemplate"`
	InstancesDistribution *InstancesDistribution `json:"InstancesDistribution,omitempty"`
}

// MixedLaunchTemplate is the launch template of a mixed instances policy and its
// overrides.
type MixedLaunchTemplate struct {
	LaunchTemplateSpecification LaunchTemplateSpec       `json:"LaunchTemplateSpecification"`
	Overrides                   []LaunchTemplateOverride `json:"Overrides,omitempty"`
}

// LaunchTemplateOverride overrides the instance type, here by attributes.
type LaunchTemplateOverride struct {
	InstanceType         string                `json:"InstanceType,omitempty"`
	InstanceRequirements *InstanceRequirements `json:"InstanceRequirements,omitempty"`
}

// InstanceRequirements are the attributes an instance type must have.
type InstanceRequirements struct {
	VCpuCount             IntRange  `json:"VCpuCount"`
	MemoryMiB             IntRange  `json:"MemoryMiB"`
	CpuManufacturers      []string  `json:"CpuManufacturers,omitempty"`
	AcceleratorCount      *IntRange `json:"AcceleratorCount,omitempty"`
	AcceleratorTypes      []string  `json:"AcceleratorTypes,omitempty"`
	AllowedInstanceTypes  []string  `json:"AllowedInstanceTypes,omitempty"`
	ExcludedInstanceTypes []string  `json:"ExcludedInstanceTypes,omitempty"`
	BurstablePerformance  string    `json:"BurstablePerformance,omitempty"`
	BareMetal             string    `json:"BareMetal,omitempty"`
	InstanceGenerations   []string  `json:"InstanceGenerations,omitempty"`
}

// IntRange is a Min/Max range; a nil bound is open. (AcceleratorCount {Max: 0} means
// none, so Max is a pointer.)
type IntRange struct {
	Min *int `json:"Min,omitempty"`
	Max *int `json:"Max,omitempty"`
}

// InstancesDistribution splits a mixed group between on-demand and Spot.
type InstancesDistribution struct {
	OnDemandBaseCapacity                *int   `json:"OnDemandBaseCapacity,omitempty"`
	OnDemandPercentageAboveBaseCapacity *int   `json:"OnDemandPercentageAboveBaseCapacity,omitempty"`
	SpotAllocationStrategy              string `json:"SpotAllocationStrategy,omitempty"`
}

// MetricsCollection turns on the group's own CloudWatch metrics.
type MetricsCollection struct {
	Granularity string   `json:"Granularity"`
	Metrics     []string `json:"Metrics,omitempty"`
}

// ScalingPolicy is AWS::AutoScaling::ScalingPolicy: target tracking, step or simple.
type ScalingPolicy struct {
	AutoScalingGroupName        any                   `json:"AutoScalingGroupName"`
	PolicyType                  string                `json:"PolicyType,omitempty"`
	TargetTrackingConfiguration *TargetTrackingConfig `json:"TargetTrackingConfiguration,omitempty"`
	AdjustmentType              string                `json:"AdjustmentType,omitempty"`
	MinAdjustmentMagnitude      int                   `json:"MinAdjustmentMagnitude,omitempty"`
	ScalingAdjustment           *int                  `json:"ScalingAdjustment,omitempty"`
	Cooldown                    string                `json:"Cooldown,omitempty"`
	StepAdjustments             []StepAdjustment      `json:"StepAdjustments,omitempty"`
	MetricAggregationType       string                `json:"MetricAggregationType,omitempty"`
	EstimatedInstanceWarmup     int                   `json:"EstimatedInstanceWarmup,omitempty"`
}

// TargetTrackingConfig tracks a predefined metric at a target value.
type TargetTrackingConfig struct {
	TargetValue                   float64           `json:"TargetValue"`
	DisableScaleIn                bool              `json:"DisableScaleIn,omitempty"`
	PredefinedMetricSpecification *PredefinedMetric `json:"PredefinedMetricSpecification,omitempty"`
}

// PredefinedMetric is a metric AWS defines for scaling, e.g. ASGAverageCPUUtilization;
// ResourceLabel names the ALB target group for ALBRequestCountPerTarget.
type PredefinedMetric struct {
	PredefinedMetricType string `json:"PredefinedMetricType"`
	ResourceLabel        any    `json:"ResourceLabel,omitempty"`
}

// StepAdjustment is one step of a step scaling policy; bounds are relative to the
// alarm threshold and nil is open.
type StepAdjustment struct {
	MetricIntervalLowerBound *float64 `json:"MetricIntervalLowerBound,omitempty"`
	MetricIntervalUpperBound *float64 `json:"MetricIntervalUpperBound,omitempty"`
	ScalingAdjustment        int      `json:"ScalingAdjustment"`
}

// Alarm is AWS::CloudWatch::Alarm on one metric.
type Alarm struct {
	AlarmDescription   string      `json:"AlarmDescription,omitempty"`
	Namespace          string      `json:"Namespace,omitempty"`
	MetricName         string      `json:"MetricName,omitempty"`
	Dimensions         []NameValue `json:"Dimensions,omitempty"`
	Statistic          string      `json:"Statistic,omitempty"`
	Period             int         `json:"Period,omitempty"`
	EvaluationPeriods  int         `json:"EvaluationPeriods"`
	DatapointsToAlarm  int         `json:"DatapointsToAlarm,omitempty"`
	Threshold          float64     `json:"Threshold"`
	ComparisonOperator string      `json:"ComparisonOperator"`
	TreatMissingData   string      `json:"TreatMissingData,omitempty"`
	AlarmActions       []any       `json:"AlarmActions,omitempty"`
	Tags               []Tag       `json:"Tags,omitempty"`
}

// Int returns a pointer to v, for optional integer properties where 0 is meaningful.
func Int(v int) *int { return &v }

// Float returns a pointer to v.
func Float(v float64) *float64 { return &v }
