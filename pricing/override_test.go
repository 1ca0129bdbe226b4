package pricing

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOverrides(t *testing.T) {
	c := embedded(t)
	if err := c.LoadOverrides(filepath.Join("testdata", "prices.yaml")); err != nil {
		t.Fatal(err)
	}
	b, _ := c.Book("us-east-1")
	if p, _ := b.OnDemand("t2.medium"); p != 0.04 {
		t.Errorf("t2.medium = %v", p)
	}
	if q, _ := b.Hourly("m5.large", Purchase{Kind: Spot}); !near(q.PerHour, 0.096*0.35) {
		t.Errorf("spot = %+v", q)
	}
	if v := b.MustRate(RateFargateX86VCPUHour); v != 0.039 {
		t.Errorf("fargate rate = %v", v)
	}
	if ts := b.Tiers(RateLambdaX86GBSecond); ts[0].Rate != 0.000015 || ts[1].Rate != 0.000015 {
		t.Errorf("lambda tiers = %+v", ts)
	}
	sa, err := c.Book("sa-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := sa.OnDemand("m5.large"); p != 0.153 {
		t.Errorf("new region price = %v", p)
	}
	if n := b.Notes(); len(n) != 1 || !strings.Contains(n[0], "negotiated rates") {
		t.Errorf("notes = %q", n)
	}
}

// Must show 4: a malformed price file names the file and the field, on one line.
func TestOverrideErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", ``, "prices.yaml: price file is empty"},
		{"not yaml", "ondemand: [", "prices.yaml: not valid YAML/JSON"},
		{"list", "- 1", "must be a mapping"},
		{"unknown key", "ondemnd: {}", "prices.yaml:1: ondemnd: unknown key (valid: source, ondemand, spot_savings_pct, rates) (did you mean ondemand?)"},
		{"unknown type", "ondemand:\n  us-east-1:\n    t2.mediun: 0.1", `prices.yaml:3: ondemand.us-east-1.t2.mediun: unknown instance type "t2.mediun" (did you mean t2.medium?)`},
		{"string price", "ondemand:\n  us-east-1:\n    t2.medium: cheap", `prices.yaml:3: ondemand.us-east-1.t2.medium: "cheap" is not a non-negative number`},
		{"negative", "rates:\n  alb.hour: -1", `prices.yaml:2: rates.alb.hour: "-1" is not a non-negative number`},
		{"unknown rate", "rates:\n  fargate.x86.vcpuhour: 1", `prices.yaml:2: rates.fargate.x86.vcpuhour: unknown rate name "fargate.x86.vcpuhour" (did you mean fargate.x86.vcpu_hour?)`},
		{"spot over 100", "spot_savings_pct:\n  us-east-1: {m5.large: 120}", "spot_savings_pct.us-east-1.m5.large: 120 is more than 100"},
		{"json", `{"rates": {"alb.hour": "x"}}`, `prices.yaml:1: rates.alb.hour: "x" is not a non-negative number`},
		{"nested wrong", "ondemand: 5", "ondemand: want a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := embedded(t)
			before, _ := c.Book("us-east-1")
			err := c.ApplyOverrides("prices.yaml", strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("not one line: %q", err)
			}
			if len(before.Notes()) != 0 {
				t.Error("a failed override was recorded")
			}
		})
	}
	if err := embedded(t).LoadOverrides(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzOverrides(f *testing.F) {
	seed, _ := os.ReadFile(filepath.Join("testdata", "prices.yaml"))
	f.Add(string(seed))
	f.Add(`{"rates": {"alb.hour": 1}}`)
	f.Add("ondemand:\n  us-east-1:\n    t2.medium: 1e400")
	f.Add("rates: {dedicated_host..hour: 1}")
	c := embedded(f)
	f.Fuzz(func(t *testing.T, in string) {
		_ = c.ApplyOverrides("fuzz.yaml", strings.NewReader(in))
		b, err := c.Book("us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range fixedRateNames {
			if v := b.MustRate(n); v < 0 || v != v {
				t.Fatalf("rate %s became %v", n, v)
			}
		}
	})
}
