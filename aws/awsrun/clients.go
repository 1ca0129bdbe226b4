package awsrun

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Operations are the AWS API operations this package calls, as IAM names them
// ("service:Action"). The IAM policy of docs/aws.md must allow each; a test keeps this
// list in step with the interfaces below.
var Operations = []string{
	"cloudformation:CreateStack",
	"cloudformation:DeleteStack",
	"cloudformation:DescribeStackEvents",
	"cloudformation:DescribeStackResources",
	"cloudformation:DescribeStacks",
	"cloudwatch:GetMetricData",
	"sts:GetCallerIdentity",
}

// CloudFormationAPI is the part of the CloudFormation client a run and a cleanup call;
// *cloudformation.Client satisfies it.
type CloudFormationAPI interface {
	CreateStack(context.Context, *cloudformation.CreateStackInput, ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error)
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
	DescribeStackResources(context.Context, *cloudformation.DescribeStackResourcesInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourcesOutput, error)
	DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
}

// CloudWatchAPI is the part of the CloudWatch client a run calls.
type CloudWatchAPI interface {
	GetMetricData(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// STSAPI is the part of the STS client a run calls, to name the account it is about to
// spend money in.
type STSAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// Clients are the AWS clients of a run or a cleanup.
type Clients struct {
	CloudFormation CloudFormationAPI
	CloudWatch     CloudWatchAPI
	STS            STSAPI
}

// NewClients makes the SDK clients from cfg (its region, credentials and, for tests,
// BaseEndpoint).
func NewClients(cfg aws.Config) Clients {
	return Clients{CloudFormation: cloudformation.NewFromConfig(cfg), CloudWatch: cloudwatch.NewFromConfig(cfg), STS: sts.NewFromConfig(cfg)}
}

// CheckEndpoint is the guard that keeps tests away from real AWS: under CI (the CI
// environment variable is "true"), the aws commands need an --endpoint, and it must be
// a loopback address. Outside CI any endpoint (or none: real AWS) is allowed, but a
// given one must be an http(s) URL.
func CheckEndpoint(endpoint string, ci bool) error {
	if endpoint == "" {
		if ci {
			return fmt.Errorf("CI=true: refusing to talk to real AWS; give --endpoint http://127.0.0.1:PORT (a local fake, e.g. go run ./cmd/awsfake)")
		}
		return nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--endpoint %q is not an http(s) URL like http://127.0.0.1:4566", endpoint)
	}
	if ci && !IsLoopback(u.Hostname()) {
		return fmt.Errorf("CI=true: refusing --endpoint %s, which is not loopback; tests may only use a local fake on 127.0.0.1", endpoint)
	}
	return nil
}

// IsLoopback reports whether host (a name or an IP, without port) is this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
