// Package export turns a scenario into AWS CloudFormation templates: one stack per
// platform of the scenario, built from the same platform configuration types (and their
// defaults) the local emulation runs, so that sizes, health checks, scaling policies,
// alarms, timeouts and concurrency on AWS are the ones measured locally.
//
// It sits beside the runner: it decodes each platform's settings with the platform
// packages' own decoders, then builds a cfn.Template per platform. `deploybench export`
// writes the templates; `deploybench aws run` deploys them. Nothing here talks to AWS.
//
// Every template has the same parameters (ImageUri, VpcId, SubnetIds, AllowedCidr,
// RunId, AppPort, AmiId where instances are launched), creates a VPC with two public
// subnets when VpcId is empty, tags every taggable resource with the run id and the
// scenario, and outputs EndpointURL.
package export
