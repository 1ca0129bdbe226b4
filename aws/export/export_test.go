package export

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/scenario"
)

var update = flag.Bool("update", false, "rewrite golden files")

func demo(t *testing.T) *scenario.Scenario {
	t.Helper()
	raw, err := scenario.Builtin("demo")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestGolden pins the demo's Fargate template byte for byte (go test -update rewrites
// it after a deliberate change).
func TestGolden(t *testing.T) {
	stacks, err := CloudFormation(demo(t), Options{RunID: "golden", AllowedCIDR: "203.0.113.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stacks {
		if st.Kind != "fargate" {
			continue
		}
		got, err := st.Template.JSON()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "demo-fargate.golden.json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the fargate template differs from %s (go test -update after a deliberate change)", path)
		}
		return
	}
	t.Fatal("demo has no fargate platform")
}

// TestDemoStacks: one stack per platform, named and shaped as the deploying side expects.
func TestDemoStacks(t *testing.T) {
	sc := demo(t)
	stacks, err := CloudFormation(sc, Options{RunID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(stacks) != len(sc.Platforms) {
		t.Fatalf("%d stacks for %d platforms", len(stacks), len(sc.Platforms))
	}
	for i, st := range stacks {
		p := sc.Platforms[i]
		if st.Platform != p.Name || st.Kind != p.Kind {
			t.Errorf("stack %d is %s/%s, want %s/%s", i, st.Platform, st.Kind, p.Name, p.Kind)
		}
		if want := "deploybench-demo-" + p.Name + "-r1"; st.Name != want {
			t.Errorf("stack name %q, want %q", st.Name, want)
		}
		rs := st.Resources()
		for j := 1; j < len(rs); j++ {
			if rs[j-1].LogicalID >= rs[j].LogicalID {
				t.Errorf("%s: resources not sorted at %s", st.Name, rs[j].LogicalID)
			}
		}
		want := []string{ParamAllowedCidr, ParamAmiID, ParamAppPort, ParamImageURI, ParamRunID, ParamSubnetIDs, ParamVpcID}
		switch st.Kind {
		case "lambda": // no network, no instances
			want = []string{ParamAppPort, ParamImageURI, ParamRunID}
		case "fargate": // no instances
			want = []string{ParamAllowedCidr, ParamAppPort, ParamImageURI, ParamRunID, ParamSubnetIDs, ParamVpcID}
		}
		if got := st.ParameterNames(); !slices.Equal(got, want) {
			t.Errorf("%s: parameters %v, want %v", st.Name, got, want)
		}
		if p, ok := st.Template.Parameters[ParamAllowedCidr]; ok && p.Default != nil {
			t.Errorf("%s: AllowedCidr defaults to %v without --allowed-cidr; want no default", st.Name, p.Default)
		}
	}
}

// TestSettingsReachTemplates spot-checks that scenario values, not defaults, land in the
// templates.
func TestSettingsReachTemplates(t *testing.T) {
	stacks, err := CloudFormation(demo(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"ec2":     {`"InstanceType": "t3a.xlarge"`},
		"asg":     {`"InstanceType": "t2.small"`, `"MaxSize": "3"`, `"PredefinedMetricType": "ASGAverageCPUUtilization"`, `"HealthCheckPath": "/healthz"`, `"TargetValue": 50`},
		"ecs-ec2": {`"InstanceType": "t3.medium"`, `"Cpu": "512"`, `"Memory": "1024"`, `"MaxCapacity": 3`, `"TargetCapacity": 100`},
		"fargate": {`"Cpu": "512"`, `"Memory": "1024"`, `"LaunchType": "FARGATE"`, `"ECSServiceAverageCPUUtilization"`},
		"ecs-mi":  {`"InstanceRequirements"`, `"BurstablePerformance": "excluded"`},
		"lambda":  {`"MemorySize": 1769`, `"ReservedConcurrentExecutions": 5`, `"Timeout": 10`, `"ProtocolType": "HTTP"`},
	}
	for _, st := range stacks {
		b, err := st.Template.JSON()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want[st.Kind] {
			if !bytes.Contains(b, []byte(w)) {
				t.Errorf("%s: template lacks %s", st.Kind, w)
			}
		}
	}
}

func TestStackName(t *testing.T) {
	for _, tc := range []struct{ sc, p, run, want string }{
		{"demo", "ec2", "r1", "deploybench-demo-ec2-r1"},
		{"Cloud Services", "ecs-ec2 0.25 vCPU", "x", "deploybench-cloud-services-ecs-ec2-0-25-vcpu-x"},
		{"ünïcode!!", "a_b", "1", "deploybench-n-code-a-b-1"},
	} {
		if got := StackName(tc.sc, tc.p, tc.run); got != tc.want {
			t.Errorf("StackName(%q, %q, %q) = %q, want %q", tc.sc, tc.p, tc.run, got, tc.want)
		}
	}
	long := StackName(strings.Repeat("s", 100), strings.Repeat("p", 100), "r")
	other := StackName(strings.Repeat("s", 100), strings.Repeat("p", 99)+"q", "r")
	if len(long) > 128 || long == other || !stackNameOK.MatchString(long) {
		t.Errorf("long names: %q (%d) and %q", long, len(long), other)
	}
}

func TestBadInput(t *testing.T) {
	sc := demo(t)
	for _, tc := range []struct {
		name string
		opts Options
		edit func(*scenario.Scenario)
		want string
	}{
		{name: "run id", opts: Options{RunID: "Bad Id"}, want: "run id"},
		{name: "cidr", opts: Options{AllowedCIDR: "10.0.0.300/8"}, want: "allowed CIDR"},
		{name: "cidr v6", opts: Options{AllowedCIDR: "::1/128"}, want: "IPv4"},
		{name: "cidr host bits", opts: Options{AllowedCIDR: "10.1.2.3/8"}, want: "10.0.0.0/8"},
		{name: "unknown setting", edit: func(s *scenario.Scenario) {
			_ = s.Platforms[3].Settings.Encode(map[string]any{"cpu": 0.5, "memry_gb": 1})
		}, want: "platforms[3] (fargate)"},
		{name: "bad fargate size", edit: func(s *scenario.Scenario) {
			_ = s.Platforms[3].Settings.Encode(map[string]any{"cpu": 0.5, "memory_gb": 64})
		}, want: "fargate.memory_gb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := *sc
			s.Platforms = append([]scenario.Platform(nil), sc.Platforms...)
			if tc.edit != nil {
				tc.edit(&s)
			}
			_, err := CloudFormation(&s, tc.opts)
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an ErrInvalid naming %q", err, tc.want)
			}
		})
	}
}

// TestAllowedCIDRDefault: --allowed-cidr becomes the parameter's default.
func TestAllowedCIDRDefault(t *testing.T) {
	stacks, err := CloudFormation(demo(t), Options{AllowedCIDR: "198.51.100.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stacks {
		if st.Kind == "lambda" {
			continue // a function has no security group to open
		}
		if got := st.Template.Parameters[ParamAllowedCidr].Default; got != "198.51.100.0/24" {
			t.Errorf("%s: AllowedCidr default %v", st.Name, got)
		}
		if got := st.Template.Parameters[ParamRunID].Default; got != DefaultRunID {
			t.Errorf("%s: RunId default %v, want %s", st.Name, got, DefaultRunID)
		}
	}
}
