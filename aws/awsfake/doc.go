// Package awsfake is a small in-process stand-in for the AWS APIs that
// `deploybench aws run` and `deploybench aws cleanup` call, so that their whole flow is
// tested with the real AWS SDK clients, over real HTTP on 127.0.0.1, without an account.
//
// A Fake is an http.Handler; point an SDK client's BaseEndpoint at it. It speaks the wire
// protocols the SDK version in go.mod uses:
//
//   - CloudFormation: AWS query protocol (form-encoded POST, XML answers) —
//     CreateStack, DescribeStacks (with Outputs, Parameters and Tags), DescribeStackEvents,
//     ListStackResources, ListStacks, DeleteStack;
//   - STS: query protocol — GetCallerIdentity;
//   - CloudWatch: Smithy RPC v2 CBOR (POST /service/GraniteServiceVersion20100801/operation/…)
//     — GetMetricData, answering deterministic series.
//
// Stacks move through CREATE_IN_PROGRESS → CREATE_COMPLETE after Config.CreateDelay and
// DELETE_IN_PROGRESS → DELETE_COMPLETE after Config.DeleteDelay, emitting stack events on
// the way. States advance lazily when a request looks, against Config.Clock, so the fake
// runs no goroutine of its own and a test can step a virtual clock. FailStacks makes
// matching stacks end CREATE_FAILED → ROLLBACK_COMPLETE with a given reason. Every stack's
// EndpointURL output is Config.EndpointURL: a real local server (see StartClassifier)
// stands in for the load balancer or API a real stack would expose.
//
// Config.Wrap lets one endpoint serve more: cmd/awsfake wraps the fake with WithECR, so
// the image step's ECR calls reach the fake ECR (ecr.go) whose credentials open the fake
// registry (registry.go) a real Docker engine pushes to.
//
// Like the real services, the fake refuses unsigned requests (no Authorization header),
// templates that are not JSON with a Resources section, missing template parameters, IAM
// resources without CAPABILITY_IAM/CAPABILITY_NAMED_IAM, and duplicate stack names. It
// does not check signatures, create any resource, or enforce quotas.
package awsfake
