package sim

import (
	"strings"
	"testing"

	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/sim/traffic"
)

// TestSimulateLambda: requests go through API Gateway and the function's live pool:
// cold starts as the concurrency grows, each billed with its first invocation; with a
// reserved concurrency of 1 the pool throttles what one environment cannot take.
func TestSimulateLambda(t *testing.T) {
	s, raw := readScenario(t, "lambda.yaml")
	run, dir := simulate(t, s, raw, Options{})
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Platforms) != 2 {
		t.Fatalf("%d platforms", len(run.Platforms))
	}
	free, limited := l.Run.Platforms[0], l.Run.Platforms[1]
	if free.Status != "ok" || free.Requests < 5000 || free.Errors != 0 || free.ColdStarts < 2 || free.RunCost <= 0 || free.LatencyMs.P50 <= 0 {
		t.Errorf("lambda: %+v", free)
	}
	if limited.Errors == 0 || limited.ColdStarts != 1 || limited.PeakCapacity != 1 {
		t.Errorf("reserved concurrency 1: %d errors, %d cold starts, peak %d", limited.Errors, limited.ColdStarts, limited.PeakCapacity)
	}
	kinds := map[string]bool{}
	for _, ev := range l.Events["lambda-limited"] {
		kinds[ev.Kind] = true
	}
	if !kinds["cold_start"] || !kinds["throttle"] {
		t.Errorf("events %v: want cold_start and throttle", kinds)
	}
	if len(free.Notes) == 0 || !strings.Contains(free.Notes[0], "cold starts") {
		t.Errorf("notes %q", free.Notes)
	}
}

// TestLambdaAggregateAgreesWithRequestMode: two hours of diurnal traffic on Lambda in
// both modes agree on the median latency, the bill and the warm environments.
func TestLambdaAggregateAgreesWithRequestMode(t *testing.T) {
	if testing.Short() {
		t.Skip("two simulated hours per request")
	}
	s, raw := readScenario(t, "lambda.yaml")
	s.Platforms = s.Platforms[:1]
	tr, err := traffic.Parse("diurnal:peak=300,trough=40")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Traffic: &tr, Days: 2.0 / 24}
	o.Mode = ModeRequest
	req, _ := simulate(t, s, raw, o)
	o.Mode = ModeAggregate
	agg, _ := simulate(t, s, raw, o)
	a, b := req.Platforms[0], agg.Platforms[0]
	within := func(what string, x, y, tol float64) {
		if d := (y - x) / x; d > tol || d < -tol {
			t.Errorf("%s: request %v, aggregate %v (%+.1f %%, tolerance %.0f %%)", what, x, y, d*100, tol*100)
		}
	}
	within("p50", a.LatencyMs.P50, b.LatencyMs.P50, 0.15)
	within("cost", a.RunCost, b.RunCost, 0.05)
	if b.Errors != 0 || a.Errors != 0 {
		t.Errorf("errors: request %d, aggregate %d", a.Errors, b.Errors)
	}
}

// TestSimulateReplaysWarmup: the scenario's warm-up is sent as live runs send it, one
// request at a time before the load and unmeasured, so the load meets the environment it
// opened (no measured request waits for a cold start, as live) and the bill includes its
// invocations.
func TestSimulateReplaysWarmup(t *testing.T) {
	s, raw := readScenario(t, "lambda-warmup.yaml")
	cold, _ := simulate(t, s, raw, Options{})
	s.Warmup = 50
	warm, dir := simulate(t, s, raw, Options{})
	a, b := cold.Platforms[0], warm.Platforms[0]
	if a.Requests != b.Requests || b.Requests == 0 {
		t.Errorf("requests: %d without warm-up, %d with: the warm-up must not be measured", a.Requests, b.Requests)
	}
	if a.LatencyMs.Max < 50 || b.LatencyMs.Max > 20 {
		t.Errorf("slowest request %v ms without warm-up, %v ms with: want the cold start (INIT) in the first only", a.LatencyMs.Max, b.LatencyMs.Max)
	}
	u := readUsage(t, dir, "lambda")
	if u.Lambda == nil || u.Lambda.Invocations != b.Requests-b.Errors+50 || u.Lambda.ColdStarts != 1 {
		t.Errorf("usage %+v: want the %d served requests and the 50 of the warm-up, one cold start", u.Lambda, b.Requests-b.Errors)
	}
}
