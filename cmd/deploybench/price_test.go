package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func init() {
	// Another test file of this package may own -update; share it rather than clash.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updateGolden() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// Must show 1 through the CLI: the printed bills are pinned by golden files, and their
// totals are the hand computations from the embedded rates.
func TestPriceCommands(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
		total  float64
	}{
		{"price-ec2-30s", []string{"price", "ec2", "--type", "t2.medium", "--duration", "30s"}, 60.0 / 3600 * 0.0464},
		{"price-ec2-61s", []string{"price", "ec2", "--type", "t2.medium", "--duration", "61s"}, 61.0 / 3600 * 0.0464},
		{"price-fargate-90s", []string{"price", "fargate", "--vcpu", "0.25", "--memory", "0.5GB", "--duration", "90s"}, 0.25*90/3600*0.04048 + 0.5*90/3600*0.004445},
		{"price-lambda-1m", []string{"price", "lambda", "--memory", "1024", "--duration", "120ms", "--requests", "1M"}, 120000*0.0000166667 + 0.20},
		{"price-apigw-1m", []string{"price", "apigw", "--kind", "http", "--requests", "1M"}, 1.00},
		{"price-ec2-month-sp", []string{"price", "ec2", "--type", "t2.medium", "--hours", "730", "--purchase", "sp-3y-all-upfront"}, 0},
		{"price-ec2-spot", []string{"price", "ec2", "--type", "m5.large", "--hours", "730", "--purchase", "spot", "--count", "3"}, 0},
		{"price-ec2-ri", []string{"price", "ec2", "--type", "m4.large", "--hours", "730", "--purchase", "ri-1y-no-upfront"}, 730 * 0.062},
		{"price-fargate-month", []string{"price", "fargate", "--vcpu", "1", "--memory", "2GB", "--tasks", "2", "--hours", "730", "--arch", "arm64"}, 2 * 730 * (0.03238 + 2*0.00356)},
		{"price-lambda-50m", []string{"price", "lambda", "--memory", "1024", "--duration", "120ms", "--requests", "50M", "--arch", "arm64", "--api", "http"}, 0},
		{"price-alb", []string{"price", "alb", "--hours", "730", "--new-conn-per-sec", "50", "--processed-gb-per-hour", "1.5"}, 730*0.0225 + 2*730*0.008},
		{"price-transfer", []string{"price", "transfer", "--out", "1TB"}, (1024 - 100) * 0.09},
		{"price-ec2-mi", []string{"price", "ec2", "--type", "c6a.2xlarge", "--hours", "730", "--mi-fee"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			checkGolden(t, tt.golden, []byte(out))
			code, js, errOut := runCLI(t, append(tt.args, "--json")...)
			if code != exitOK {
				t.Fatalf("--json: exit %d: %s", code, errOut)
			}
			var bill struct {
				Total float64 `json:"total_usd"`
				Items []struct {
					Quantity, Amount float64
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(js), &bill); err != nil {
				t.Fatalf("--json: %v\n%s", err, js)
			}
			if tt.total != 0 && math.Abs(bill.Total-tt.total) > 1e-12*math.Max(1, tt.total) {
				t.Errorf("total = %.12g, hand-computed %.12g", bill.Total, tt.total)
			}
		})
	}
}

// Must show 4 through the CLI: bad names and files get one clear line and exit code 2.
func TestPriceErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "prices.yaml")
	if err := os.WriteFile(bad, []byte("rates:\n  fargate.x86.vcpuhour: 0.04\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badOffer := filepath.Join(dir, "offer.json")
	if err := os.WriteFile(badOffer, []byte(`{"offerCode": "AmazonS3"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"price", "ec2", "--type", "t2.mediun"}, `--type: unknown instance type "t2.mediun" (did you mean t2.medium?)`},
		{[]string{"price", "ec2"}, "--type is required"},
		{[]string{"price", "ec2", "--type", "t2.medium", "--region", "eu-west-9"}, `--region: unknown region "eu-west-9" (did you mean eu-west-1?)`},
		{[]string{"price", "ec2", "--type", "t2.medium", "--prices", bad}, "--prices: " + bad + `:2: rates.fargate.x86.vcpuhour: unknown rate name "fargate.x86.vcpuhour" (did you mean fargate.x86.vcpu_hour?)`},
		{[]string{"price", "ec2", "--type", "t2.medium", "--prices", filepath.Join(dir, "none.yaml")}, "--prices: price file: open"},
		{[]string{"price", "ec2", "--type", "t2.medium", "--offer", badOffer}, `--offer: ` + badOffer + `: offerCode: "AmazonS3" is not AmazonEC2`},
		{[]string{"price", "ec2", "--type", "t2.medium", "--purchase", "ri-2y-no-upfront"}, `--purchase: purchase option "ri-2y-no-upfront" is not valid`},
		{[]string{"price", "ec2", "--type", "m5.large", "--purchase", "dedicated-host"}, "dedicated_host.m5.hour"},
		{[]string{"price", "fargate", "--vcpu", "0.25", "--memory", "4GB"}, "--vcpu/--memory: fargate memory 4 GB is not valid for 0.25 vCPU (valid: 0.5, 1, 2 GB)"},
		{[]string{"price", "fargate", "--memory", "lots"}, `--memory: "lots" is not a size`},
		{[]string{"price", "lambda", "--memory", "64"}, "memory 64 MB is not valid (128–10,240 MB)"},
		{[]string{"price", "lambda", "--requests", "many"}, `--requests: "many" is not a count`},
		{[]string{"price", "apigw", "--kind", "graphql"}, `kind "graphql" is not valid (http or rest)`},
		{[]string{"price"}, "name a service"},
		{[]string{"price", "ec2", "--type", "t2.medium", "--hours", "-1"}, "--hours -1"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", code, exitUsage, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q lacks %q", errOut, tt.want)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || out != "" {
				t.Errorf("want one error line and no output; stdout %q stderr %q", out, errOut)
			}
		})
	}
}

func TestPriceOverrideFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(p, []byte(`{"source": "test rates", "ondemand": {"us-east-1": {"t2.medium": 0.05}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "price", "ec2", "--type", "t2.medium", "--hours", "10", "--prices", p)
	if code != exitOK {
		t.Fatal(errOut)
	}
	if !strings.Contains(out, "0.500000") || !strings.Contains(out, "override: "+p+" (test rates)") {
		t.Errorf("override not applied or not noted:\n%s", out)
	}
}

func TestParsers(t *testing.T) {
	sizes := []struct {
		in, unit string
		want     float64
	}{{"512MB", "MB", 512}, {"1GB", "MB", 1024}, {"2GiB", "GB", 2}, {"0.5GB", "GB", 0.5}, {"1024", "MB", 1024}, {"512MB", "GB", 0.5}, {"1TB", "GB", 1024}}
	for _, s := range sizes {
		if got, err := parseSize(s.in, s.unit); err != nil || got != s.want {
			t.Errorf("parseSize(%q, %s) = %v, %v", s.in, s.unit, got, err)
		}
	}
	for _, bad := range []string{"", "GB", "1XB", "-1GB", "1.2.3"} {
		if _, err := parseSize(bad, "MB"); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
	counts := map[string]int64{"1M": 1e6, "50M": 5e7, "1.5k": 1500, "2B": 2e9, "1,000,000": 1e6, "1e6": 1e6, "0": 0}
	for in, want := range counts {
		if got, err := parseCount(in); err != nil || got != want {
			t.Errorf("parseCount(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "M", "-5", "1e30", "ten"} {
		if _, err := parseCount(bad); err == nil {
			t.Errorf("parseCount(%q) accepted", bad)
		}
	}
	ranges := []struct {
		in, unit string
		lo, hi   float64
	}{{"2-4", "", 2, 4}, {"4", "", 4, 4}, {"4-", "", 4, 0}, {"-8", "", 0, 8}, {"4-16GiB", "GB", 4, 16}, {"512MB-2GB", "GB", 0.5, 2}, {"24GiB-", "GB", 24, 0}}
	for _, r := range ranges {
		got, err := parseRange(r.in, r.unit)
		if err != nil || got.Min != r.lo || got.Max != r.hi {
			t.Errorf("parseRange(%q) = %+v, %v", r.in, got, err)
		}
	}
	for _, bad := range []string{"", "-", "4-2", "a-b", "2-4-6"} {
		if _, err := parseRange(bad, ""); err == nil {
			t.Errorf("parseRange(%q) accepted", bad)
		}
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"2-4", "4-16GiB", "-8", "4-", "0.5GB-2GB", "1TB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseRange(s, "GB")
		if err == nil && (r.Min < 0 || r.Max < 0 || (r.Max != 0 && r.Max < r.Min)) {
			t.Fatalf("parseRange(%q) = %+v", s, r)
		}
		_, _ = parseCount(s)
	})
}
