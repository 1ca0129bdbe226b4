package validate

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/results"
)

func TestWindowQuantile(t *testing.T) {
	same := []results.Point{
		{Requests: 100, P50: 2, P95: 4, P99: 8},
		{Requests: 300, P50: 2, P95: 4, P99: 8},
	}
	for _, c := range []struct {
		name string
		pts  []results.Point
		skip map[int]bool
		q    float64
		want float64
	}{
		{"identical seconds: their p95", same, nil, 0.95, 4},
		{"identical seconds: their p50", same, nil, 0.5, 2},
		{"p99 knot", same, nil, 0.99, 8},
		{"a slow second left out", append(append([]results.Point(nil), same...), results.Point{Requests: 400, P50: 900, P95: 1000, P99: 1100}), map[int]bool{2: true}, 0.95, 4},
		{"nothing left", same, map[int]bool{0: true, 1: true}, 0.95, 0},
		{"errors-only second ignored", append(append([]results.Point(nil), same...), results.Point{Requests: 50, Errors: 50, P50: 900, P95: 1000, P99: 1100}), nil, 0.95, 4},
	} {
		if got := windowQuantile(c.pts, c.skip, c.q); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// Half the requests at p95 4 ms, half at p95 40 ms: the mixture's p95 lies between.
	mixed := []results.Point{{Requests: 100, P50: 2, P95: 4, P99: 8}, {Requests: 100, P50: 20, P95: 40, P99: 80}}
	if got := windowQuantile(mixed, nil, 0.95); !(got > 8 && got < 40) {
		t.Errorf("mixture p95 %v, want between 8 and 40", got)
	}
}

// writeLoad writes a platform's load.json with the given per-window send lags.
func writeLoad(t *testing.T, dir, name string, lags []float64) {
	t.Helper()
	res := load.Result{}
	for i, l := range lags {
		res.Windows = append(res.Windows, load.Window{T: float64(i), SendLagMaxMs: l})
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, results.PlatformDirName(name), "load.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCompareLeavesOutHostStalls: a live run whose third second was a host stall (the
// generator 300 ms late, a 900 ms p95 in that second and a slow one after it) agrees with
// a simulation that has no stall once those two seconds are left out; the table says so.
func TestCompareLeavesOutHostStalls(t *testing.T) {
	dir := t.TempDir()
	calm := results.Point{Requests: 100, P50: 2, P95: 4, P99: 8, Capacity: 1}
	var live, sim []results.Point
	for i := 0; i < 10; i++ {
		p := calm
		p.T = float64(i + 1)
		sim = append(sim, p)
		switch i {
		case 2:
			p.P50, p.P95, p.P99 = 300, 900, 950
		case 3:
			p.P50, p.P95, p.P99 = 20, 200, 300
		}
		live = append(live, p)
	}
	lp := results.Platform{Name: "ec2", Status: "ok", LatencyMs: results.Percentiles{P50: 2.1, P95: 250}, RunCost: 1, Requests: 1000}
	sp := lp
	sp.LatencyMs = results.Percentiles{P50: 2, P95: 4}
	write(t, filepath.Join(dir, "live"), "live", lp, live)
	write(t, filepath.Join(dir, "sim"), "simulated", sp, sim)
	writeLoad(t, filepath.Join(dir, "live"), "ec2", []float64{0.2, 0.3, 300, 0.2, 0.1, 0.2, 0.3, 0.2, 0.1, 0.2})
	v, err := Compare(filepath.Join(dir, "live"), filepath.Join(dir, "sim"))
	if err != nil {
		t.Fatal(err)
	}
	r := v.Rows[0]
	if r.Stalled != 2 || r.Seconds != 10 {
		t.Errorf("stalled %d of %d seconds, want 2 of 10", r.Stalled, r.Seconds)
	}
	if !v.OK() {
		t.Errorf("not OK without the stall: clean p95 live %v sim %v", r.CleanLiveP95, r.CleanSimP95)
	}
	var b bytes.Buffer
	v.Table(&b)
	if !strings.Contains(b.String(), "2 of 10") || !strings.Contains(b.String(), "host-stall") {
		t.Errorf("table does not show the stall seconds:\n%s", b.String())
	}
	// Without the load.json the stall is not known and the whole-run p95 decides.
	os.Remove(filepath.Join(dir, "live", "ec2", "load.json"))
	if v, _ := Compare(filepath.Join(dir, "live"), filepath.Join(dir, "sim")); v.OK() || v.Rows[0].Stalled != 0 {
		t.Errorf("without send lags the run passed: %+v", v.Rows[0])
	}
}
