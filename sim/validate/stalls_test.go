package validate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/results"
)

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

func TestLeaveOut(t *testing.T) {
	dir := t.TempDir()
	p := results.Platform{Name: "ec2", Status: "ok"}
	write(t, dir, "live", p, []results.Point{{T: 1}})
	writeLoad(t, dir, "ec2", []float64{0.2, 300, 0.3, 0.1, 25})
	got, err := LeaveOut(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{false, true, true, false, true}; !slices.Equal(got["ec2"], want) {
		t.Errorf("leave out %v, want %v", got["ec2"], want)
	}
	writeLoad(t, dir, "ec2", []float64{0.2, 0.3})
	if got, _ := LeaveOut(dir); len(got) != 0 {
		t.Errorf("no stall, yet %v", got)
	}
	if _, err := LeaveOut(filepath.Join(dir, "nowhere")); err == nil || !strings.Contains(err.Error(), "--validate") {
		t.Errorf("missing directory: %v", err)
	}
}

// TestCompareLeavesOutHostStalls: a live run with host stalls is judged on the seconds
// without them, against a simulation that left out the same seconds; the table says how
// many. A simulation that did not leave them out cannot be compared.
func TestCompareLeavesOutHostStalls(t *testing.T) {
	dir := t.TempDir()
	pts := []results.Point{{T: 1, Capacity: 1}, {T: 2, Capacity: 1}}
	lp := results.Platform{Name: "ec2", Status: "ok", LatencyMs: results.Percentiles{P50: 2.1, P95: 250}, RunCost: 1, Requests: 1000,
		StallSeconds: 2, LatencySteadyMs: &results.Percentiles{P50: 2.05, P95: 4.1}}
	sp := lp
	sp.LatencyMs = results.Percentiles{P50: 2, P95: 4}
	sp.LatencySteadyMs = &results.Percentiles{P50: 2, P95: 4}
	write(t, filepath.Join(dir, "live"), "live", lp, pts)
	write(t, filepath.Join(dir, "sim"), "simulated", sp, pts)
	v, err := Compare(filepath.Join(dir, "live"), filepath.Join(dir, "sim"))
	if err != nil {
		t.Fatal(err)
	}
	if r := v.Rows[0]; !v.OK() || r.Stalled != 2 || r.CleanLiveP95 != 4.1 || r.CleanSimP95 != 4 {
		t.Errorf("not judged on the steady seconds: %+v", r)
	}
	var b bytes.Buffer
	v.Table(&b)
	if !strings.Contains(b.String(), "2 of 2") || !strings.Contains(b.String(), "host-stall") {
		t.Errorf("table does not show the stall seconds:\n%s", b.String())
	}
	sp.LatencySteadyMs, sp.StallSeconds = nil, 0
	write(t, filepath.Join(dir, "sim2"), "simulated", sp, pts)
	v, err = Compare(filepath.Join(dir, "live"), filepath.Join(dir, "sim2"))
	if err != nil {
		t.Fatal(err)
	}
	if v.OK() || !strings.Contains(v.Rows[0].Missing, "stall seconds") {
		t.Errorf("a simulation with the stall seconds in passed: %+v", v.Rows[0])
	}
}
