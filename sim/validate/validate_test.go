package validate

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/results"
)

func TestCapacityAgreement(t *testing.T) {
	live := []results.Point{{T: 1, Capacity: 1}, {T: 2, Capacity: 3}, {T: 3, Capacity: 3}, {T: 4, Capacity: 1}}
	sim := []results.Point{{T: 1, Capacity: 1}, {T: 2, Capacity: 1}, {T: 3, Capacity: 2}, {T: 4, Capacity: 1}}
	if got := capacityAgreement(live, sim); got != 0.75 {
		t.Errorf("agreement %v, want 0.75", got)
	}
	if capacityAgreement(nil, sim) != 0 {
		t.Error("empty live timeline agrees")
	}
}

func write(t *testing.T, dir, mode string, p results.Platform, pts []results.Point) {
	t.Helper()
	d, err := results.Create(dir, results.Run{Scenario: "s", Mode: mode, Platforms: []results.Platform{p}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := d.Platform(p.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range pts {
		_ = w.AddPoint(pt)
	}
	w.Close()
}

func TestCompareTable(t *testing.T) {
	dir := t.TempDir()
	pts := []results.Point{{T: 1, Capacity: 1}, {T: 2, Capacity: 2}}
	p := results.Platform{Name: "asg", Status: "ok", LatencyMs: results.Percentiles{P50: 10, P95: 20}, RunCost: 1, Requests: 100}
	write(t, filepath.Join(dir, "live"), "live", p, pts)
	q := p
	q.LatencyMs.P50, q.RunCost = 11, 1.04
	write(t, filepath.Join(dir, "sim"), "simulated", q, pts)
	v, err := Compare(filepath.Join(dir, "live"), filepath.Join(dir, "sim"))
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() || v.Ref != "live" {
		t.Errorf("within tolerances but not OK: %+v", v)
	}
	var b bytes.Buffer
	v.Table(&b)
	if !strings.Contains(b.String(), "+10.0%") || !strings.Contains(b.String(), "ok") {
		t.Errorf("table:\n%s", b.String())
	}
	q.LatencyMs.P95 = 30
	write(t, filepath.Join(dir, "sim2"), "simulated", q, pts)
	if v, _ := Compare(filepath.Join(dir, "live"), filepath.Join(dir, "sim2")); v.OK() {
		t.Error("p95 50 % off passed")
	}
	if _, err := Compare(filepath.Join(dir, "nowhere"), filepath.Join(dir, "sim")); err == nil {
		t.Error("missing reference accepted")
	}
}
