package cfn

// Resource type names of Lambda and API Gateway v2.
const (
	TypeFunction       = "AWS::Lambda::Function"
	TypeVersion        = "AWS::Lambda::Version"
	TypeAlias          = "AWS::Lambda::Alias"
	TypePermission     = "AWS::Lambda::Permission"
	TypeAPI            = "AWS::ApiGatewayV2::Api"
	TypeAPIIntegration = "AWS::ApiGatewayV2::Integration"
	TypeAPIRoute       = "AWS::ApiGatewayV2::Route"
	TypeAPIStage       = "AWS::ApiGatewayV2::Stage"
)

// Function is AWS::Lambda::Function.
type Function struct {
	PackageType                  string       `json:"PackageType,omitempty"`
	Code                         FunctionCode `json:"Code"`
	Role                         any          `json:"Role"`
	MemorySize                   int          `json:"MemorySize,omitempty"`
	Timeout                      int          `json:"Timeout,omitempty"`
	Architectures                []string     `json:"Architectures,omitempty"`
	ReservedConcurrentExecutions *int         `json:"ReservedConcurrentExecutions,omitempty"`
	Environment                  *FunctionEnv `json:"Environment,omitempty"`
	LoggingConfig                *LoggingCfg  `json:"LoggingConfig,omitempty"`
	Tags                         []Tag        `json:"Tags,omitempty"`
}

// LoggingCfg sends a function's logs to a chosen log group.
type LoggingCfg struct {
	LogGroup  any    `json:"LogGroup,omitempty"`
	LogFormat string `json:"LogFormat,omitempty"`
}

// FunctionCode is where a function's code is: here a container image.
type FunctionCode struct {
	ImageUri any `json:"ImageUri,omitempty"`
}

// FunctionEnv holds a function's environment variables.
type FunctionEnv struct {
	Variables map[string]any `json:"Variables,omitempty"`
}

// Version is AWS::Lambda::Version, optionally with provisioned concurrency.
type Version struct {
	FunctionName                 any                        `json:"FunctionName"`
	Description                  string                     `json:"Description,omitempty"`
	ProvisionedConcurrencyConfig *ProvisionedConcurrencyCfg `json:"ProvisionedConcurrencyConfig,omitempty"`
}

// ProvisionedConcurrencyCfg keeps environments initialised.
type ProvisionedConcurrencyCfg struct {
	ProvisionedConcurrentExecutions int `json:"ProvisionedConcurrentExecutions"`
}

// Alias is AWS::Lambda::Alias.
type Alias struct {
	FunctionName    any    `json:"FunctionName"`
	FunctionVersion any    `json:"FunctionVersion"`
	Name            string `json:"Name"`
}

// Permission is AWS::Lambda::Permission.
type Permission struct {
	Action       string `json:"Action"`
	FunctionName any    `json:"FunctionName"`
	Principal    string `json:"Principal"`
	SourceArn    any    `json:"SourceArn,omitempty"`
}

// API is AWS::ApiGatewayV2::Api; its Tags are a map, not a list.
type API struct {
	Name         any            `json:"Name,omitempty"`
	ProtocolType string         `json:"ProtocolType,omitempty"`
	Description  string         `json:"Description,omitempty"`
	Tags         map[string]any `json:"Tags,omitempty"`
}

// APIIntegration is AWS::ApiGatewayV2::Integration.
type APIIntegration struct {
	ApiId                any    `json:"ApiId"`
	IntegrationType      string `json:"IntegrationType"`
	IntegrationUri       any    `json:"IntegrationUri,omitempty"`
	PayloadFormatVersion string `json:"PayloadFormatVersion,omitempty"`
	TimeoutInMillis      int    `json:"TimeoutInMillis,omitempty"`
}

// APIRoute is AWS::ApiGatewayV2::Route.
type APIRoute struct {
	ApiId    any    `json:"ApiId"`
	RouteKey string `json:"RouteKey"`
	Target   any    `json:"Target,omitempty"`
}

// APIStage is AWS::ApiGatewayV2::Stage; its Tags are a map.
type APIStage struct {
	ApiId                any            `json:"ApiId"`
	StageName            string         `json:"StageName"`
	AutoDeploy           bool           `json:"AutoDeploy,omitempty"`
	DefaultRouteSettings *RouteSettings `json:"DefaultRouteSettings,omitempty"`
	Tags                 map[string]any `json:"Tags,omitempty"`
}

// RouteSettings throttle a stage's routes.
type RouteSettings struct {
	ThrottlingRateLimit  float64 `json:"ThrottlingRateLimit,omitempty"`
	ThrottlingBurstLimit int     `json:"ThrottlingBurstLimit,omitempty"`
}
