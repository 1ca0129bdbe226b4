package lambda

import (
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform/apigw"
)

func TestConfigDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	want := Config{
		MemoryMB: 128, Arch: "x86_64", Timeout: 3 * time.Second, AccountConcurrency: 1000,
		ScalingRate: 1000, ScalingWindow: 10 * time.Second, KeepAlive: 10 * time.Minute,
		InitTimeout: 10 * time.Second, Timescale: 1, StopGrace: 2 * time.Second,
	}
	if c.MemoryMB != want.MemoryMB || c.Arch != want.Arch || c.Timeout != want.Timeout ||
		c.AccountConcurrency != want.AccountConcurrency || c.ScalingRate != want.ScalingRate ||
		c.ScalingWindow != want.ScalingWindow || c.KeepAlive != want.KeepAlive ||
		c.InitTimeout != want.InitTimeout || c.Timescale != 1 || c.StopGrace != want.StopGrace ||
		*c.PlatformInit != 50*time.Millisecond {
		t.Errorf("defaults %+v", c)
	}
	if c.API.Kind != "http" || c.API.Timeout != 30*time.Second || c.API.ThrottleRate != 10000 || c.API.ThrottleBurst != 5000 {
		t.Errorf("api defaults %+v", c.API)
	}
	if got := c.ConcurrencyLimit(); got != 1000 {
		t.Errorf("limit %d, want the account's 1000", got)
	}
	if got := (Config{ReservedConcurrency: 10}).ConcurrencyLimit(); got != 10 {
		t.Errorf("limit %d, want the reserved 10", got)
	}
}

func TestVCPUForMemory(t *testing.T) {
	tests := []struct {
		mb   int
		want float64
	}{{1769, 1}, {3538, 2}, {128, 128.0 / 1769}, {10240, 10240.0 / 1769}, {20000, 6}}
	for _, tt := range tests {
		if got := VCPUForMemory(tt.mb); got != tt.want {
			t.Errorf("VCPUForMemory(%d) = %v, want %v", tt.mb, got, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	neg := -time.Second
	tests := []struct {
		cfg  Config
		want string // the field the error must name; "" for valid
	}{
		{Config{}, ""},
		{Config{MemoryMB: 10240, Arch: "arm64", Timeout: 900 * time.Second, ReservedConcurrency: 10, ProvisionedConcurrency: 10}, ""},
		{Config{MemoryMB: 64}, "lambda.memory_mb"},
		{Config{MemoryMB: 10241}, "lambda.memory_mb"},
		{Config{Arch: "amd64"}, "lambda.arch"},
		{Config{Timeout: 901 * time.Second}, "lambda.timeout"},
		{Config{ReservedConcurrency: 1001}, "lambda.reserved_concurrency"},
		{Config{ReservedConcurrency: 5, ProvisionedConcurrency: 6}, "lambda.provisioned_concurrency"},
		{Config{AccountConcurrency: -1}, "lambda.account_concurrency"},
		{Config{ScalingRate: -1}, "lambda.scaling_rate"},
		{Config{ScalingWindow: -time.Second}, "lambda.scaling_window"},
		{Config{KeepAlive: -time.Second}, "lambda.keep_alive"},
		{Config{InitTimeout: -time.Second}, "lambda.init_timeout"},
		{Config{PlatformInit: &neg}, "lambda.platform_init"},
		{Config{Timescale: -2}, "lambda.timescale"},
		{Config{StopGrace: -time.Second}, "lambda.stop_grace"},
		{Config{API: apigw.Config{Kind: "graphql"}}, "lambda.api.kind"},
		{Config{API: apigw.Config{Timeout: time.Minute}}, "lambda.api.timeout"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.cfg, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want+":")):
			t.Errorf("%+v: error %v, want one naming %s", tt.cfg, err, tt.want)
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	src := `
memory_mb: 2048
arch: arm64
timeout: 10s
reserved_concurrency: 10
provisioned_concurrency: 2
keep_alive: 5m
platform_init: 0s
api:
  kind: rest
  throttle_rate: 100
  throttle_burst: 50
`
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	c, err := DecodeConfig(n.Content[0])
	if err != nil {
		t.Fatal(err)
	}
	if c.MemoryMB != 2048 || c.Arch != ArchARM || c.Timeout != 10*time.Second || c.ConcurrencyLimit() != 10 ||
		c.ProvisionedConcurrency != 2 || c.KeepAlive != 5*time.Minute || *c.PlatformInit != 0 ||
		c.API.Kind != "rest" || c.API.Timeout != 29*time.Second || c.API.ThrottleBurst != 50 {
		t.Errorf("decoded %+v (api %+v)", c, c.API)
	}
	if c, err := DecodeConfig(nil); err != nil || c.MemoryMB != DefaultMemoryMB {
		t.Errorf("nil node: %+v, %v", c, err)
	}
	for _, bad := range []string{"memory: 128", "api: {kind: http, rate: 5}", "timeout: soon", "memory_mb: 100000"} {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(bad), &n); err != nil {
			t.Fatal(err)
		}
		_, err := DecodeConfig(n.Content[0])
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "lambda") {
			t.Errorf("%q: error %q, want one line naming the lambda section", bad, err)
		}
	}
}

// FuzzDecodeConfig: any settings either decode to a valid config or fail with one line;
// nothing panics.
func FuzzDecodeConfig(f *testing.F) {
	for _, s := range []string{"", "memory_mb: 1769", "api: {kind: rest, timeout: 1s}", "timeout: 1h",
		"platform_init: -5ms", "reserved_concurrency: 2\nprovisioned_concurrency: 3", "keep_alive: [1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(s), &n) != nil || len(n.Content) == 0 {
			return
		}
		c, err := DecodeConfig(n.Content[0])
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Errorf("decoded config invalid: %v", err)
		}
	})
}
