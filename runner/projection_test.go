package runner

import (
	"testing"

	"github.com/deploybench/deploybench/pricing/projection"
)

func TestStableCrossovers(t *testing.T) {
	cs := []projection.Crossover{
		{RPS: 8, From: "lambda", To: "fargate"},
		{RPS: 500, From: "fargate", To: "ecs-mi"},  // 500→520: noise
		{RPS: 520, From: "ecs-mi", To: "fargate"},  // back to fargate
		{RPS: 600, From: "fargate", To: "ec2-asg"}, // 600→2000: stable
		{RPS: 2000, From: "ec2-asg", To: "fargate"},
		{RPS: 2100, From: "fargate", To: "ec2-asg"},
	}
	got := stableCrossovers(cs, 10000)
	want := []projection.Crossover{{RPS: 8, From: "lambda", To: "fargate"}, {RPS: 600, From: "fargate", To: "ec2-asg"}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestHourlyRates(t *testing.T) {
	r := hourlyRates(100, "diurnal")
	sum, peak, trough := 0.0, 0.0, 1e9
	for _, v := range r {
		sum += v
		peak, trough = max(peak, v), min(trough, v)
	}
	if sum/24 < 99.9 || sum/24 > 100.1 || peak < 179 || trough > 21 {
		t.Errorf("diurnal mean %.1f peak %.1f trough %.1f", sum/24, peak, trough)
	}
}
