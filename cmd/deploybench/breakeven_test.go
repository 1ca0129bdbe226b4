package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBreakevenCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "breakeven", "--cpu-ms", "2", "--memory", "512MB")
	if code != exitOK {
		t.Fatal(errOut)
	}
	if !strings.Contains(out, "crossover at") || !strings.Contains(out, "lambda →") {
		t.Errorf("no crossover reported:\n%s", out)
	}
	checkGolden(t, "breakeven-2ms-512mb", []byte(out))

	code, js, errOut := runCLI(t, "breakeven", "--cpu-ms", "50", "--memory", "2GB", "--max-rps", "100", "--platforms", "lambda,fargate,ec2-asg", "--json")
	if code != exitOK {
		t.Fatal(errOut)
	}
	var res struct {
		Points []struct {
			RPS       float64 `json:"rps"`
			Cheapest  string  `json:"cheapest"`
			Estimates []struct {
				Platform string  `json:"platform"`
				Monthly  float64 `json:"monthly_usd"`
			} `json:"estimates"`
		} `json:"points"`
		Crossovers []struct {
			RPS      float64 `json:"rps"`
			From, To string
		} `json:"crossovers"`
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Points) == 0 || len(res.Points[0].Estimates) != 3 {
		t.Fatalf("points: %+v", res.Points)
	}
	for _, p := range res.Points {
		best := p.Estimates[0]
		for _, e := range p.Estimates {
			if e.Monthly < best.Monthly {
				best = e
			}
		}
		if best.Platform != p.Cheapest {
			t.Errorf("at %v req/s cheapest says %s, costs say %s", p.RPS, p.Cheapest, best.Platform)
		}
	}
}

func TestBreakevenPerMonth(t *testing.T) {
	code, out, errOut := runCLI(t, "breakeven", "--cpu-ms", "5", "--min-per-month", "2.628M", "--max-per-month", "262.8M", "--platforms", "lambda,fargate")
	if code != exitOK {
		t.Fatal(errOut)
	}
	lines := strings.Split(out, "\n")
	if !strings.Contains(out, "      1      2.63M") || !strings.Contains(out, "    100       263M") || strings.Contains(out, "   0.5 ") {
		t.Errorf("range 1–100 req/s expected:\n%s", strings.Join(lines[:8], "\n"))
	}
}

func TestBreakevenErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"breakeven"}, "--cpu-ms/--memory: workload cpu"},
		{[]string{"breakeven", "--cpu-ms", "2", "--memory", "big"}, `--memory: "big" is not a size`},
		{[]string{"breakeven", "--cpu-ms", "2", "--min-rps", "10", "--max-rps", "1"}, "--min-rps 10 / --max-rps 1"},
		{[]string{"breakeven", "--cpu-ms", "2", "--type", "m5.lrage"}, "did you mean m5.large?"},
		{[]string{"breakeven", "--cpu-ms", "2", "--platforms", "lambda,k8s"}, `platform "k8s" is not known`},
		{[]string{"breakeven", "--cpu-ms", "2", "--task-vcpu", "1"}, "--task-vcpu and --task-memory go together"},
		{[]string{"breakeven", "--cpu-ms", "2", "--utilisation", "2"}, "target utilisation 2"},
		{[]string{"breakeven", "--cpu-ms", "2", "--max-per-month", "lots"}, `--max-per-month: "lots" is not a count`},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want usage error with %q", tt.args, code, errOut, tt.want)
		}
	}
}
