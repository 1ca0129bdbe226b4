package awsfake

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// clock is a virtual clock a test steps.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) step(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sdkConfig(url string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKE", "secret", "")}
}

func readTemplate(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/stack.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func createInput(name, body string) *cloudformation.CreateStackInput {
	return &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(body),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam},
		Parameters:   []cfntypes.Parameter{{ParameterKey: aws.String("ImageURI"), ParameterValue: aws.String("img:1")}},
		Tags:         []cfntypes.Tag{{Key: aws.String("deploybench:run-id"), Value: aws.String("r1")}}}
}

func TestStackLifecycle(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s := start(t, Config{CreateDelay: time.Minute, DeleteDelay: 30 * time.Second, EndpointURL: "http://127.0.0.1:9/", Clock: clk.now})
	cf := cloudformation.NewFromConfig(sdkConfig(s.URL))

	out, err := cf.CreateStack(ctx, createInput("db-ec2", readTemplate(t)))
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.StackId)
	describe := func(name string) cfntypes.Stack {
		t.Helper()
		d, err := cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return d.Stacks[0]
	}
	if st := describe("db-ec2"); st.StackStatus != cfntypes.StackStatusCreateInProgress || len(st.Outputs) != 0 {
		t.Fatalf("just created: %s with %d outputs", st.StackStatus, len(st.Outputs))
	}
	clk.step(time.Minute)
	st := describe("db-ec2")
	if st.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("after the delay: %s", st.StackStatus)
	}
	if len(st.Outputs) != 1 || aws.ToString(st.Outputs[0].OutputKey) != "EndpointURL" || aws.ToString(st.Outputs[0].OutputValue) != "http://127.0.0.1:9/" {
		t.Errorf("outputs %+v", st.Outputs)
	}
	if len(st.Tags) != 1 || aws.ToString(st.Tags[0].Value) != "r1" {
		t.Errorf("tags %+v", st.Tags)
	}
	if !st.CreationTime.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("creation time %v", st.CreationTime)
	}
	sr, err := cf.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String("db-ec2")})
	if err != nil {
		t.Fatal(err)
	}
	phys := map[string]string{}
	for _, r := range sr.StackResources {
		phys[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
	}
	if len(phys) != 3 || !strings.Contains(phys["LoadBalancer"], ":loadbalancer/app/") || !strings.HasPrefix(phys["Instance"], "i-") {
		t.Errorf("stack resources %v", phys)
	}
	ev, err := cf.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("db-ec2")})
	if err != nil {
		t.Fatal(err)
	}
	// Stack in progress, 3 resources × (in progress, complete), stack complete; newest first.
	if len(ev.StackEvents) != 8 || ev.StackEvents[0].ResourceStatus != cfntypes.ResourceStatusCreateComplete ||
		aws.ToString(ev.StackEvents[0].LogicalResourceId) != "db-ec2" {
		t.Errorf("events: %d, newest %+v", len(ev.StackEvents), ev.StackEvents[0])
	}

	if _, err := cf.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("db-ec2")}); err != nil {
		t.Fatal(err)
	}
	if got := describe(id).StackStatus; got != cfntypes.StackStatusDeleteInProgress {
		t.Fatalf("after DeleteStack: %s", got)
	}
	clk.step(30 * time.Second)
	if got := describe(id).StackStatus; got != cfntypes.StackStatusDeleteComplete {
		t.Fatalf("after the delete delay: %s", got)
	}
	_, err = cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("db-ec2")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" || !strings.Contains(ae.ErrorMessage(), "does not exist") {
		t.Errorf("describe a deleted stack by name: %v", err)
	}
	if left := s.Stacks(); len(left) != 0 {
		t.Errorf("stacks left: %+v", left)
	}
	ls, err := cf.ListStacks(ctx, &cloudformation.ListStacksInput{StackStatusFilter: []cfntypes.StackStatus{cfntypes.StackStatusDeleteComplete}})
	if err != nil || len(ls.StackSummaries) != 1 || ls.StackSummaries[0].DeletionTime == nil {
		t.Errorf("ListStacks DELETE_COMPLETE: %v %+v", err, ls)
	}
	if s.Calls("cloudformation:CreateStack") != 1 || s.Calls("cloudformation:DeleteStack") != 1 {
		t.Errorf("calls %v", s.Operations())
	}
}

func TestFailedStackRollsBack(t *testing.T) {
	ctx := context.Background()
	s := start(t, Config{})
	s.FailStacks("fargate", "Resource handler returned message: \"no capacity\"")
	cf := cloudformation.NewFromConfig(sdkConfig(s.URL))
	if _, err := cf.CreateStack(ctx, createInput("db-fargate", readTemplate(t))); err != nil {
		t.Fatal(err)
	}
	d, err := cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("db-fargate")})
	if err != nil {
		t.Fatal(err)
	}
	if st := d.Stacks[0]; st.StackStatus != cfntypes.StackStatusRollbackComplete {
		t.Fatalf("status %s", st.StackStatus)
	}
	ev, err := cf.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("db-fargate")})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range ev.StackEvents {
		if e.ResourceStatus == cfntypes.ResourceStatusCreateFailed && strings.Contains(aws.ToString(e.ResourceStatusReason), "no capacity") {
			found = true
		}
	}
	if !found {
		t.Errorf("no CREATE_FAILED event with the reason among %d events", len(ev.StackEvents))
	}
}

func TestCreateStackRefusals(t *testing.T) {
	body := readTemplate(t)
	tests := []struct {
		name string
		in   func() *cloudformation.CreateStackInput
		code string
	}{
		{"bad name", func() *cloudformation.CreateStackInput { return createInput("9lives", body) }, "ValidationError"},
		{"not JSON", func() *cloudformation.CreateStackInput { return createInput("s", "Resources: {}") }, "ValidationError"},
		{"no resources", func() *cloudformation.CreateStackInput { return createInput("s", `{"Resources":{}}`) }, "ValidationError"},
		{"missing parameter", func() *cloudformation.CreateStackInput {
			in := createInput("s", body)
			in.Parameters = nil
			return in
		}, "ValidationError"},
		{"unknown parameter", func() *cloudformation.CreateStackInput {
			in := createInput("s", body)
			in.Parameters = append(in.Parameters, cfntypes.Parameter{ParameterKey: aws.String("Nope"), ParameterValue: aws.String("x")})
			return in
		}, "ValidationError"},
		{"IAM without capability", func() *cloudformation.CreateStackInput {
			in := createInput("s", body)
			in.Capabilities = nil
			return in
		}, "InsufficientCapabilitiesException"},
		{"duplicate name", func() *cloudformation.CreateStackInput { return createInput("taken", body) }, "AlreadyExistsException"},
	}
	s := start(t, Config{CreateDelay: time.Hour})
	cf := cloudformation.NewFromConfig(sdkConfig(s.URL))
	if _, err := cf.CreateStack(context.Background(), createInput("taken", body)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cf.CreateStack(context.Background(), tt.in())
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
	if n := len(s.Stacks()); n != 1 {
		t.Errorf("%d stacks exist, want only the first", n)
	}
}

func TestUnsignedRequestRefused(t *testing.T) {
	s := start(t, Config{})
	resp, err := http.Post(s.URL, "application/x-www-form-urlencoded", strings.NewReader("Action=DescribeStacks&Version=2010-05-15"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || s.Calls("cloudformation:DescribeStacks") != 0 {
		t.Errorf("unsigned request: status %d", resp.StatusCode)
	}
}

func TestCallerIdentity(t *testing.T) {
	s := start(t, Config{Account: "111122223333"})
	out, err := sts.NewFromConfig(sdkConfig(s.URL)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "111122223333" || !strings.HasPrefix(aws.ToString(out.Arn), "arn:aws:iam::111122223333:") {
		t.Errorf("identity %+v", out)
	}
}

func TestGetMetricData(t *testing.T) {
	s := start(t, Config{})
	cw := cloudwatch.NewFromConfig(sdkConfig(s.URL))
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	out, err := cw.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(t0), EndTime: aws.Time(t0.Add(5 * time.Minute)),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("cpu"), MetricStat: &cwtypes.MetricStat{
			Period: aws.Int32(60), Stat: aws.String("Average"),
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("AutoScalingGroupName"), Value: aws.String("g")}}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricDataResults) != 1 {
		t.Fatalf("%d results", len(out.MetricDataResults))
	}
	r := out.MetricDataResults[0]
	if aws.ToString(r.Id) != "cpu" || len(r.Values) != 5 || len(r.Timestamps) != 5 || r.StatusCode != cwtypes.StatusCodeComplete {
		t.Fatalf("result %+v", r)
	}
	for i, v := range r.Values {
		if v != SeriesValue("CPUUtilization", i) || !r.Timestamps[i].Equal(t0.Add(time.Duration(i)*time.Minute)) {
			t.Errorf("point %d: %v at %v", i, v, r.Timestamps[i])
		}
	}
	q := s.MetricQueries()
	if len(q) != 1 || q[0].Dimensions["AutoScalingGroupName"] != "g" || q[0].Period != 60 || q[0].Stat != "Average" {
		t.Errorf("queries seen %+v", q)
	}
	// A bad request is a CloudWatch error the SDK decodes, not a hang or a panic.
	_, err = cw.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(t0), EndTime: aws.Time(t0), MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("x")}}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValue" {
		t.Errorf("bad request: %v", err)
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "example.com:80", "nohost"} {
		if s, err := Start(addr, Config{}); err == nil {
			s.Close()
			t.Errorf("Start(%q) accepted", addr)
		}
	}
}
