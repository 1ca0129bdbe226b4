package fargate

import (
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestValidSize(t *testing.T) {
	tests := []struct {
		cpu, mem float64
		want     string // substring of the error; "" = valid
	}{
		{0.25, 0.5, ""}, {0.25, 2, ""}, {0.5, 4, ""}, {1, 2, ""}, {2, 16, ""}, {4, 30, ""}, {8, 60, ""}, {16, 120, ""},
		{0.25, 4, "fargate.memory_gb: fargate memory 4 GB is not valid for 0.25 vCPU (valid: 0.5, 1, 2 GB)"},
		{1, 1, "valid: 2–8 GB in 1 GB steps"},
		{8, 18, "valid: 16–60 GB in 4 GB steps"},
		{0.3, 1, "fargate.cpu: 0.3 vCPU is not a Fargate size (valid: 0.25, 0.5, 1, 2, 4, 8, 16)"},
	}
	for _, tt := range tests {
		err := ValidSize(tt.cpu, tt.mem)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%v/%v: %v", tt.cpu, tt.mem, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%v/%v: error %v, want %q", tt.cpu, tt.mem, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"zero value", Config{}, ""},
		{"arm", Config{Arch: "arm64"}, ""},
		{"bad arch", Config{Arch: "sparc"}, "fargate.arch"},
		{"arm spot", Config{Arch: "arm64", Spot: true}, "fargate.spot"},
		{"interruptions without spot", Config{SpotInterruptionsPerHour: 1}, "fargate.spot_interruptions_per_hour"},
		{"bad combination", func() Config { c := Config{}; c.CPU, c.MemoryGB = 0.25, 4; return c }(), "fargate.memory_gb"},
		{"min above max", func() Config { c := Config{}; c.Min, c.Max = 3, 2; return c }(), "fargate.max"},
		{"negative provisioning", Config{ProvisioningDelay: -time.Second}, "fargate.provisioning_delay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDecodeConfig(t *testing.T) {
	var n yaml.Node
	src := "cpu: 0.5\nmemory_gb: 1\narch: arm64\ndesired: 2\nmax: 6\npolicies:\n  - metric: request_count_per_target\n    target: 100\nload_balancer:\n  algorithm: least_outstanding_requests\n"
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	c, err := DecodeConfig(n.Content[0], 30)
	if err != nil {
		t.Fatal(err)
	}
	if c.CPU != 0.5 || c.MemoryGB != 1 || c.Arch != "arm64" || c.Desired != 2 || c.Min != 0 || c.Max != 6 || c.Timescale != 30 ||
		c.Policies[0].Metric != "request_count_per_target" || c.LoadBalancer.Timescale != 30 {
		t.Fatalf("decoded %+v", c)
	}
	if err := yaml.Unmarshal([]byte("cpu: 0.25\nmemroy_gb: 4\n"), &n); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeConfig(n.Content[0], 1); err == nil || !strings.Contains(err.Error(), "memroy_gb") {
		t.Fatalf("unknown key: %v", err)
	}
	if err := yaml.Unmarshal([]byte("cpu: 0.25\nmemory_gb: 4\n"), &n); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeConfig(n.Content[0], 1); err == nil || !strings.Contains(err.Error(), "valid: 0.5, 1, 2 GB") {
		t.Fatalf("invalid combination: %v", err)
	}
	if c, err := DecodeConfig(nil, 0); err != nil || c.CPU != 1 || c.Timescale != 1 {
		t.Fatalf("empty node: %+v %v", c, err)
	}
}

// FuzzDecodeConfig: no input panics, and what decodes validates.
func FuzzDecodeConfig(f *testing.F) {
	for _, s := range []string{"cpu: 0.25\nmemory_gb: 2\n", "arch: arm64\nspot: true\n", "desired: 3\nmin: 1\nmax: 2\n",
		"policies: [{metric: cpu, target: 70}]\n", "timescale: -1\n", "{}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(src), &n) != nil || len(n.Content) == 0 {
			return
		}
		c, err := DecodeConfig(n.Content[0], 1)
		if err == nil {
			if err := c.Validate(); err != nil {
				t.Fatalf("decoded config does not validate: %v", err)
			}
		}
	})
}
