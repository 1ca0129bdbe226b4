package ec2

import (
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func node(t testing.TB, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	if n.Kind == yaml.DocumentNode {
		return n.Content[0]
	}
	return &n
}

func TestDecodeConfig(t *testing.T) {
	for _, tc := range []struct {
		name, src, err string
		check          func(Config) bool
	}{
		{"empty gives defaults", "{}", "", func(c Config) bool {
			return c.InstanceType == DefaultInstanceType && c.PendingDelay == 21*time.Second &&
				c.BootDelay == 4*time.Second && c.Timescale == 1 && c.CreditMode == "unlimited" && c.Purchase == "on-demand"
		}},
		{"t2 is standard", "instance_type: t2.small", "", func(c Config) bool { return c.CreditMode == "standard" }},
		{"overrides", "instance_type: x9.huge\nvcpu: 3\nmemory_mib: 1024\nboot_delay: 2s\ntimescale: 60", "", func(c Config) bool {
			return c.Spec().VCPU == 3 && c.BootDelay == 2*time.Second && c.Timescale == 60
		}},
		{"unknown key", "instance_typ: t3.small", "instance_typ", nil},
		{"unknown type", "instance_type: x9.huge", "ec2.instance_type", nil},
		{"bad credit mode", "credit_mode: turbo", "ec2.credit_mode", nil},
		{"negative boot", "boot_delay: -1s", "ec2.boot_delay", nil},
		{"negative timescale", "timescale: -2", "ec2.timescale", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecodeConfig(node(t, tc.src), 0)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want one naming %s", err, tc.err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("multi-line error %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Fatalf("config %+v", c)
			}
		})
	}
	if c, err := DecodeConfig(nil, 7); err != nil || c.InstanceType != DefaultInstanceType || c.Timescale != 7 {
		t.Fatalf("nil node: %+v %v", c, err)
	}
}

func FuzzDecodeConfig(f *testing.F) {
	for _, s := range []string{"{}", "instance_type: t2.small", "vcpu: 2\nmemory_mib: 10\ninstance_type: q", "boot_delay: 3s", "[1,2]", "timescale: .nan"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(src), &n) != nil {
			return
		}
		c, err := DecodeConfig(&n, 0)
		if err == nil {
			if err := c.Validate(); err != nil {
				t.Fatalf("decoded config does not validate: %v", err)
			}
		}
	})
}
