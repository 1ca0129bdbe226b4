package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deploybench/deploybench/aws/awsfake"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/runtime/docker"
)

// startFakeAWS serves the fake AWS APIs with a stand-in classifier behind every stack.
func startFakeAWS(t *testing.T) *awsfake.Server {
	t.Helper()
	cl, err := awsfake.StartClassifier("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	s, err := awsfake.Start("127.0.0.1:0", awsfake.Config{CreateDelay: 30 * time.Millisecond, DeleteDelay: 20 * time.Millisecond, EndpointURL: cl.URL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Must show 2 through the CLI, with the real CloudFormation export of a built-in scenario.
func TestAWSRunAgainstFake(t *testing.T) {
	fake := startFakeAWS(t)
	out := filepath.Join(t.TempDir(), "aws")
	code, stdout, stderr := runCLI(t, "aws", "run", "builtin:serverless-vs-serverful", "--out", out, "--endpoint", fake.URL,
		"--region", "us-east-1", "--yes", "--image-uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/deploybench:mlp",
		"--load-limit", "1s", "--poll", "20ms", "--run-id", "cli1")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"estimated cost", "AWS::Lambda::Function", "image: 123456789012.dkr.ecr", "CREATE_COMPLETE", "load: ", "delete: every stack deleted"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if !strings.Contains(stdout, "aws run cli1: 2 platforms measured") || !strings.Contains(stdout, "p95") {
		t.Errorf("stdout %q", stdout)
	}
	if left := fake.Stacks(); len(left) != 0 {
		t.Errorf("stacks left: %+v", left)
	}
	l, err := results.Read(out)
	if err != nil || l.Run.Source != results.SourceAWS || len(l.Run.Platforms) != 2 {
		t.Fatalf("results: %v %+v", err, l)
	}
	// The AWS results read like a local run's.
	if code, _, stderr := runCLI(t, "report", out); code != exitOK {
		t.Errorf("report of the AWS run: exit %d: %s", code, stderr)
	}
}

func TestAWSRunRefusals(t *testing.T) {
	fake := startFakeAWS(t)
	base := []string{"aws", "run", "builtin:serverless-vs-serverful", "--out", "", "--region", "us-east-1", "--image-uri", "x"}
	tests := []struct {
		name string
		ci   bool
		args []string
		want string
	}{
		{"max cost", false, []string{"--endpoint", fake.URL, "--yes", "--max-cost", "0.0001"}, "above --max-cost"},
		{"no --yes and no terminal", false, []string{"--endpoint", fake.URL}, "pass --yes"},
		{"CI without endpoint", true, []string{"--yes", "--allowed-cidr", "203.0.113.7/32"}, "CI=true: refusing to talk to real AWS"},
		{"CI with a remote endpoint", true, []string{"--yes", "--endpoint", "https://cloudformation.us-east-1.amazonaws.com"}, "not loopback"},
		{"real AWS without --allowed-cidr", false, []string{"--yes"}, "--allowed-cidr is required"},
		{"bad parameter", false, []string{"--endpoint", fake.URL, "--yes", "--parameter", "novalue"}, "KEY=VALUE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ci {
				t.Setenv("CI", "true")
			} else {
				t.Setenv("CI", "")
			}
			args := append([]string(nil), base...)
			args[4] = filepath.Join(t.TempDir(), "out")
			code, _, stderr := runCLI(t, append(args, tt.args...)...)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != exitUsage || !strings.Contains(lines[len(lines)-1], tt.want) {
				t.Errorf("exit %d, last line %q, want %q", code, lines[len(lines)-1], tt.want)
			}
		})
	}
	if n := fake.Calls("cloudformation:CreateStack"); n != 0 {
		t.Errorf("a refused run created %d stacks", n)
	}
}

func TestAWSCleanup(t *testing.T) {
	fake := startFakeAWS(t)
	cf := cloudformation.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(fake.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKE", "secret", "")})
	tpl, err := os.ReadFile(filepath.Join("..", "..", "aws", "awsrun", "testdata", "lambda.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct{ name, run string }{{"left-a", "r-left"}, {"left-b", "r-left"}, {"other", "r-other"}} {
		_, err := cf.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String(st.name), TemplateBody: aws.String(string(tpl)),
			Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
			Parameters:   []cfntypes.Parameter{{ParameterKey: aws.String("ImageURI"), ParameterValue: aws.String("x")}},
			Tags:         []cfntypes.Tag{{Key: aws.String("deploybench:run-id"), Value: aws.String(st.run)}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Unconfirmed: listed, not deleted.
	code, _, stderr := runCLI(t, "aws", "cleanup", "--endpoint", fake.URL, "--run-id", "r-left", "--poll", "10ms")
	if code != exitUsage || !strings.Contains(stderr, "left-a") || len(fake.Stacks()) != 3 {
		t.Fatalf("unconfirmed cleanup: exit %d, %d stacks\n%s", code, len(fake.Stacks()), stderr)
	}
	code, stdout, stderr := runCLI(t, "aws", "cleanup", "--endpoint", fake.URL, "--run-id", "r-left", "--poll", "10ms", "--yes")
	if code != exitOK || !strings.Contains(stdout, "2 stacks deleted") {
		t.Fatalf("cleanup: exit %d\n%s%s", code, stdout, stderr)
	}
	if left := fake.Stacks(); len(left) != 1 || left[0].Name != "other" {
		t.Errorf("after cleanup: %+v", left)
	}
}

// With CI=true, cleanup too refuses anything but a loopback endpoint, in one line.
func TestAWSCleanupCIGuard(t *testing.T) {
	t.Setenv("CI", "true")
	for _, args := range [][]string{{"aws", "cleanup", "--yes"}, {"aws", "cleanup", "--yes", "--endpoint", "https://cloudformation.us-east-1.amazonaws.com"}} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "CI=true") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// The image step for real: the built-in app's image goes from the local engine through
// the fake ECR's credentials into the fake registry, and the stacks get its URI.
func TestAWSRunPushesImage(t *testing.T) {
	cli, _, err := docker.Connect(context.Background(), "")
	if err != nil {
		t.Skipf("skipped, no Docker engine: %v", err)
	}
	defer cli.Close()
	if _, err := cli.ImageInspect(context.Background(), docker.DefaultImage); err != nil {
		t.Skipf("skipped, no %s image in the engine (deploybench image build makes it): %v", docker.DefaultImage, err)
	}
	reg := awsfake.NewRegistry("AWS", "pw")
	host, stop, err := reg.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	cl, err := awsfake.StartClassifier("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ecr := awsfake.NewECR(host, "pw")
	fake, err := awsfake.Start("127.0.0.1:0", awsfake.Config{CreateDelay: 20 * time.Millisecond, DeleteDelay: 10 * time.Millisecond, EndpointURL: cl.URL,
		Wrap: func(h http.Handler) http.Handler { return awsfake.WithECR(h, ecr) }})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	code, _, stderr := runCLI(t, "aws", "run", "builtin:serverless-vs-serverful", "--out", filepath.Join(t.TempDir(), "aws"), "--endpoint", fake.URL,
		"--region", "us-east-1", "--yes", "--load-limit", "1s", "--poll", "20ms")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "image: "+host+"/deploybench@sha256:") || reg.Pushes() == 0 {
		t.Errorf("no image pushed to %s (%d pushes):\n%s", host, reg.Pushes(), stderr)
	}
	if left := fake.Stacks(); len(left) != 0 {
		t.Errorf("stacks left: %+v", left)
	}
}
