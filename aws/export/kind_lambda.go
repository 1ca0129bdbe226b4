package export

import (
	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/apigw"
	"github.com/deploybench/deploybench/platform/lambda"
	"github.com/deploybench/deploybench/scenario"
)

func init() { builders["lambda"] = buildLambda }

// Logical IDs of the function and its HTTP API.
const (
	idFunction     = "Function"
	idFunctionRole = "FunctionRole"
	idVersion      = "FunctionVersion"
	idAlias        = "FunctionAlias"
	idAPI          = "HttpApi"
	idIntegration  = "HttpApiIntegration"
	idRoute        = "HttpApiRoute"
	idStage        = "HttpApiStage"
	idPermission   = "HttpApiInvokePermission"
)

// buildLambda exports a lambda platform: a function from the image with the scenario's
// memory, timeout, architecture and concurrency settings, behind an HTTP API whose
// $default route sends every request to it.
func buildLambda(b *builder) error {
	cfg, err := lambda.DecodeConfig(&b.p.Settings)
	if err != nil {
		return err
	}
	// The function logs to a log group of the stack (kept a day, deleted with the stack)
	// rather than the /aws/lambda/NAME group Lambda would create and leave behind; its
	// role is basic execution narrowed to that group: write its own logs, nothing else.
	b.logGroup(idLogGroup)
	b.role(idFunctionRole, "lambda.amazonaws.com", "Lambda function: write its own logs (basic execution, this stack's log group only)",
		nil, logWrite(idLogGroup))
	fn := cfn.Function{PackageType: "Image", Code: cfn.FunctionCode{ImageUri: cfn.Ref(ParamImageURI)},
		Role: cfn.GetAtt(idFunctionRole, "Arn"), MemorySize: cfg.MemoryMB, Timeout: seconds(cfg.Timeout),
		Architectures: []string{cfg.Arch}, LoggingConfig: &cfn.LoggingCfg{LogGroup: cfn.Ref(idLogGroup), LogFormat: "Text"},
		Tags: b.tags()}
	vars := map[string]any{}
	for k, v := range b.sc.App.Env {
		vars[k] = v
	}
	if b.sc.App.HandlerType != scenario.HandlerRuntimeAPI {
		// An HTTP app runs on Lambda through the AWS Lambda Web Adapter (an extension in
		// the image), as the local model runs it: these tell the adapter where the app
		// listens and when it is ready.
		vars["PORT"] = cfn.Ref(ParamAppPort)
		vars["AWS_LWA_PORT"] = cfn.Ref(ParamAppPort)
		vars["AWS_LWA_READINESS_CHECK_PATH"] = b.sc.App.HealthPath
	}
	if len(vars) > 0 {
		fn.Environment = &cfn.FunctionEnv{Variables: vars}
	}
	if cfg.ReservedConcurrency > 0 {
		fn.ReservedConcurrentExecutions = cfn.Int(cfg.ReservedConcurrency)
	}
	b.add(idFunction, cfn.TypeFunction, fn)
	b.archNote(cfg.Arch)
	b.t.Outputs[OutputLogGroup] = cfn.Output{Description: "The log group of the function (REPORT lines carry duration and init duration)", Value: cfn.Ref(idLogGroup)}
	target := any(cfn.GetAtt(idFunction, "Arn"))
	if cfg.ProvisionedConcurrency > 0 {
		// Provisioned concurrency belongs to a version; the API invokes it through an
		// alias so that it is the warm environments that answer.
		b.add(idVersion, cfn.TypeVersion, cfn.Version{FunctionName: cfn.Ref(idFunction),
			ProvisionedConcurrencyConfig: &cfn.ProvisionedConcurrencyCfg{ProvisionedConcurrentExecutions: cfg.ProvisionedConcurrency}})
		b.add(idAlias, cfn.TypeAlias, cfn.Alias{FunctionName: cfn.Ref(idFunction), FunctionVersion: cfn.GetAtt(idVersion, "Version"), Name: "live"})
		target = cfn.Ref(idAlias)
	}
	if cfg.AccountConcurrency != lambda.DefaultAccountConcurrency {
		b.note("account_concurrency %d is an account quota; it is not part of a stack", cfg.AccountConcurrency)
	}
	if cfg.API.Kind == apigw.KindREST {
		b.note("api.kind: rest is exported as an HTTP API (a REST API is not exported yet)")
	}
	timeout := cfg.API.Timeout
	b.add(idAPI, cfn.TypeAPI, cfn.API{Name: cfn.Ref(cfn.StackName), ProtocolType: "HTTP",
		Description: "deploybench: the function's front door", Tags: b.mapTags()})
	b.add(idIntegration, cfn.TypeAPIIntegration, cfn.APIIntegration{ApiId: cfn.Ref(idAPI), IntegrationType: "AWS_PROXY",
		IntegrationUri: target, PayloadFormatVersion: "2.0",
		TimeoutInMillis: b.clamp("api.timeout (ms)", int(timeout.Milliseconds()), 50, 30000)})
	b.add(idRoute, cfn.TypeAPIRoute, cfn.APIRoute{ApiId: cfn.Ref(idAPI), RouteKey: "$default",
		Target: cfn.Join("/", "integrations", cfn.Ref(idIntegration))})
	b.add(idStage, cfn.TypeAPIStage, cfn.APIStage{ApiId: cfn.Ref(idAPI), StageName: "$default", AutoDeploy: true,
		DefaultRouteSettings: &cfn.RouteSettings{ThrottlingRateLimit: cfg.API.ThrottleRate, ThrottlingBurstLimit: cfg.API.ThrottleBurst},
		Tags:                 b.mapTags()})
	b.add(idPermission, cfn.TypePermission, cfn.Permission{Action: "lambda:InvokeFunction", FunctionName: target,
		Principal: "apigateway.amazonaws.com",
		SourceArn: cfn.Sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + idAPI + "}/*")})
	b.output(cfn.GetAtt(idAPI, "ApiEndpoint"), "The HTTP API's URL (HTTPS); open to the internet, throttled by the stage")
	// The function needs no VPC, security group or app port; the template keeps those
	// parameters so that every stack of a run takes the same parameter set.
	return nil
}
