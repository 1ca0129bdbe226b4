package sim

import (
	"math"
	"testing"

	"github.com/deploybench/deploybench/sim/calibration"
	"github.com/deploybench/deploybench/sim/traffic"
)

// TestHostLoadWidensLiveReproductions: a calibration whose tail widens with the host's
// request rate widens the simulated tail of a scenario reproduced on one host (its own
// load, vCPU fraction below 1) and leaves the median where it was; a production-scale
// simulation (--traffic) is not widened.
func TestHostLoadWidensLiveReproductions(t *testing.T) {
	s, raw := readScenario(t, "asg.yaml")
	s.Platforms = s.Platforms[:1] // one EC2 instance: no balancer, no scaling
	base, err := calibration.Builtin("svm")
	if err != nil {
		t.Fatal(err)
	}
	wide := *base
	slow, fast := make([]float64, 101), make([]float64, 101)
	for i := range slow {
		slow[i] = 1 + float64(i)/100
		fast[i] = slow[i]
		if i >= 90 {
			fast[i] = slow[i] * 1.5
		}
	}
	wide.HostLoad = &calibration.HostLoad{VCPU: 4, Rates: []calibration.RateLatency{{RPS: 50, ServiceMs: slow}, {RPS: 200, ServiceMs: fast}}}

	a, _ := simulate(t, s, raw, Options{Calibration: base})
	b, _ := simulate(t, s, raw, Options{Calibration: &wide})
	pa, pb := a.Platforms[0].LatencyMs, b.Platforms[0].LatencyMs
	if !(pb.P95 > 1.2*pa.P95) || math.Abs(pb.P50-pa.P50)/pa.P50 > 0.02 {
		t.Errorf("widened: p50 %v → %v ms, p95 %v → %v ms; want the p95 ≥ 20 %% up and the median within 2 %%", pa.P50, pb.P50, pa.P95, pb.P95)
	}

	tr, err := traffic.Parse("constant:rate=300")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Traffic: &tr, Days: 0.5 / 24, Mode: ModeRequest}
	o.Calibration = base
	c, _ := simulate(t, s, raw, o)
	o.Calibration = &wide
	d, _ := simulate(t, s, raw, o)
	if c.Platforms[0].LatencyMs != d.Platforms[0].LatencyMs {
		t.Errorf("--traffic: %+v and %+v, want the same latencies (no host widening at production scale)", c.Platforms[0].LatencyMs, d.Platforms[0].LatencyMs)
	}
}
