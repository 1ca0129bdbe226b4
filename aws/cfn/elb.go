package cfn

// Resource type names of Elastic Load Balancing v2.
const (
	TypeLoadBalancer = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	TypeTargetGroup  = "AWS::ElasticLoadBalancingV2::TargetGroup"
	TypeListener     = "AWS::ElasticLoadBalancingV2::Listener"
)

// LoadBalancer is AWS::ElasticLoadBalancingV2::LoadBalancer.
type LoadBalancer struct {
	Type                   string     `json:"Type,omitempty"`
	Scheme                 string     `json:"Scheme,omitempty"`
	Subnets                any        `json:"Subnets,omitempty"`
	SecurityGroups         []any      `json:"SecurityGroups,omitempty"`
	LoadBalancerAttributes []KeyValue `json:"LoadBalancerAttributes,omitempty"`
	Tags                   []Tag      `json:"Tags,omitempty"`
}

// TargetGroup is AWS::ElasticLoadBalancingV2::TargetGroup.
type TargetGroup struct {
	Port                       any        `json:"Port,omitempty"`
	Protocol                   string     `json:"Protocol,omitempty"`
	TargetType                 string     `json:"TargetType,omitempty"`
	VpcId                      any        `json:"VpcId,omitempty"`
	HealthCheckEnabled         bool       `json:"HealthCheckEnabled,omitempty"`
	HealthCheckPath            string     `json:"HealthCheckPath,omitempty"`
	HealthCheckProtocol        string     `json:"HealthCheckProtocol,omitempty"`
	HealthCheckIntervalSeconds int        `json:"HealthCheckIntervalSeconds,omitempty"`
	HealthCheckTimeoutSeconds  int        `json:"HealthCheckTimeoutSeconds,omitempty"`
	HealthyThresholdCount      int        `json:"HealthyThresholdCount,omitempty"`
	UnhealthyThresholdCount    int        `json:"UnhealthyThresholdCount,omitempty"`
	Matcher                    *Matcher   `json:"Matcher,omitempty"`
	TargetGroupAttributes      []KeyValue `json:"TargetGroupAttributes,omitempty"`
	Tags                       []Tag      `json:"Tags,omitempty"`
}

// Matcher lists the HTTP codes a healthy target answers, e.g. "200" or "200-299".
type Matcher struct {
	HttpCode string `json:"HttpCode,omitempty"`
}

// Listener is AWS::ElasticLoadBalancingV2::Listener.
type Listener struct {
	LoadBalancerArn any              `json:"LoadBalancerArn"`
	Port            int              `json:"Port,omitempty"`
	Protocol        string           `json:"Protocol,omitempty"`
	DefaultActions  []ListenerAction `json:"DefaultActions"`
}

// ListenerAction is a listener's action; deploybench only forwards.
type ListenerAction struct {
	Type           string `json:"Type"`
	TargetGroupArn any    `json:"TargetGroupArn,omitempty"`
}
