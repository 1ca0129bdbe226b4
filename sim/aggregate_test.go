package sim

import (
	"bytes"
	"github.com/deploybench/deploybench/sim/traffic"
	"github.com/deploybench/deploybench/sim/validate"
	"math"
	"testing"
)

// TestAggregateAgreesWithRequestMode: the aggregated mode against per-request mode on
// the same ASG and the same diurnal traffic (scaled down to keep the test fast): median
// and p95 latency within 15 %, capacity within one instance at 90 % of the points, cost
// within 5 %. docs/simulation.md has the full-day comparison at production rates.
func TestAggregateAgreesWithRequestMode(t *testing.T) {
	s, raw := readScenario(t, "asg.yaml")
	s.Platforms = s.Platforms[1:] // the ASG
	tr, err := traffic.Parse("diurnal:peak=300,trough=20,peak_hour=1")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Traffic: &tr, Days: 2.0 / 24, Timescale: 30}
	o.Mode = ModeRequest
	_, reqDir := simulate(t, s, raw, o)
	o.Mode = ModeAggregate
	_, aggDir := simulate(t, s, raw, o)
	v, err := validate.Compare(reqDir, aggDir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	v.Table(&b)
	t.Log("\n" + b.String())
	r := v.Rows[0]
	if r.LivePeak < 2 {
		t.Fatalf("the traffic did not make the group scale (peak %d)", r.LivePeak)
	}
	if !r.OK() {
		t.Errorf("aggregated mode disagrees with per-request mode")
	}
	if d := math.Abs(float64(r.SimReqs-r.LiveReqs)) / float64(r.LiveReqs); d > 0.01 {
		t.Errorf("requests %d vs %d", r.SimReqs, r.LiveReqs)
	}
}
