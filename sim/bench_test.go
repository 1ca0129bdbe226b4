package sim

import (
	"context"
	"github.com/deploybench/deploybench/scenario"
	"github.com/deploybench/deploybench/sim/traffic"
	"testing"
	"time"
)

// BenchmarkRequestModeASG: per-request mode on an ASG (c5.2xlarge, 4–20 instances,
// target tracking) under 20,000 req/s Poisson for five simulated minutes: 6 M requests per
// iteration, each picked and released by the group's own balancer. It reports simulated
// requests per second of wall time.
func BenchmarkRequestModeASG(b *testing.B) {
	s, raw := readScenario(b, "bench-asg.yaml")
	var reqs int64
	start := time.Now()
	for i := 0; i < b.N; i++ {
		run, err := Simulate(context.Background(), s, Options{OutDir: b.TempDir(), ScenarioYAML: raw, Mode: ModeRequest})
		if err != nil {
			b.Fatal(err)
		}
		reqs += run.Platforms[0].Requests
	}
	b.ReportMetric(float64(reqs)/time.Since(start).Seconds(), "sim-req/s")
}

// BenchmarkAggregateMonth: a 30-day diurnal month averaging about 1,000 req/s on the ASG,
// aggregated mode.
func BenchmarkAggregateMonth(b *testing.B) {
	s, raw := readScenario(b, "bench-asg.yaml")
	tr, _ := traffic.Parse("diurnal:peak=1800,trough=200,noise=0.05")
	for i := 0; i < b.N; i++ {
		if _, err := Simulate(context.Background(), s, Options{OutDir: b.TempDir(), ScenarioYAML: raw, Traffic: &tr, Days: 30, Mode: ModeAggregate}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAggregateMonthPerPlatform: the month scenario (30 days of diurnal traffic
// averaging 1,000 req/s) on each of the six platforms alone, aggregated mode: where the
// month's time goes, per platform.
func BenchmarkAggregateMonthPerPlatform(b *testing.B) {
	s, raw := readScenario(b, "../../bench/sim/month.yaml")
	tr, _ := traffic.Parse("diurnal:peak=1800,trough=200")
	all := s.Platforms
	for _, sp := range all {
		b.Run(sp.Name, func(b *testing.B) {
			s.Platforms = []scenario.Platform{sp}
			for i := 0; i < b.N; i++ {
				if _, err := Simulate(context.Background(), s, Options{OutDir: b.TempDir(), ScenarioYAML: raw, Traffic: &tr, Days: 30, Mode: ModeAggregate}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	s.Platforms = all
}
