package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// Must show 2 through the CLI: every row matches every attribute, cheapest first, priced.
func TestSelectCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "select", "--vcpu", "2-4", "--memory", "4-16GiB", "--arch", "x86_64", "--manufacturer", "amd",
		"--burstable=false", "--max-price", "0.5", "--sort", "price", "--limit", "0")
	if code != exitOK {
		t.Fatal(errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 6 || !strings.HasPrefix(lines[0], "TYPE") {
		t.Fatalf("output:\n%s", out)
	}
	prev := 0.0
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		vcpu, _ := strconv.Atoi(f[1])
		mem, _ := strconv.ParseFloat(f[2], 64)
		price, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil || vcpu < 2 || vcpu > 4 || mem < 4 || mem > 16 || f[3] != "x86_64" || f[4] != "amd" || price > 0.5 || price < prev {
			t.Errorf("row violates the filter or order (prev price %v): %q", prev, l)
		}
		prev = price
	}
	checkGolden(t, "select-issue-example", []byte(out))
}

func TestSelectJSONAndGPU(t *testing.T) {
	code, out, errOut := runCLI(t, "select", "--gpus", "1", "--gpu-memory", "24GiB-", "--limit", "3", "--json")
	if code != exitOK {
		t.Fatal(errOut)
	}
	var res struct {
		Types []struct {
			Type  string  `json:"type"`
			GPUs  int     `json:"gpus"`
			GMem  float64 `json:"gpu_memory_gib_total"`
			Price float64 `json:"usd_per_hour"`
		} `json:"types"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Types) != 3 {
		t.Fatalf("got %d types", len(res.Types))
	}
	for _, ty := range res.Types {
		if ty.GPUs != 1 || ty.GMem < 24 || ty.Price <= 0 {
			t.Errorf("%+v", ty)
		}
	}
	code, out, _ = runCLI(t, "select", "--family", "m5", "--limit", "2")
	if code != exitOK || !strings.Contains(out, "(2 of ") {
		t.Errorf("truncation not reported:\n%s", out)
	}
	code, out, _ = runCLI(t, "select", "--gpus", "0", "--family", "g5", "--limit", "0")
	if code == exitOK {
		t.Errorf("--gpus 0 in a GPU family matched:\n%s", out)
	}
}

func TestSelectErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"select", "--vcpu", "2", "--gpus", "8"}, exitFailure, "no instance type matches in us-east-1: vcpu 2, gpus 8"},
		{[]string{"select", "--vcpu", "4-2"}, exitUsage, `--vcpu: "4-2" is not a range`},
		{[]string{"select", "--arch", "sparc"}, exitUsage, `filter arch: "sparc" is not valid`},
		{[]string{"select", "--manufacturer", "via"}, exitUsage, `manufacturer: "via" is not valid`},
		{[]string{"select", "--sort", "speed"}, exitUsage, `sort: "speed" is not valid`},
		{[]string{"select", "--region", "us-east-7"}, exitUsage, `unknown region "us-east-7"`},
		{[]string{"select", "--limit", "-1"}, exitUsage, "--limit -1"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}
