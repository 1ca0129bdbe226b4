package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
	"github.com/deploybench/deploybench/sim/traffic"
)

func readScenario(t testing.TB, name string) (*scenario.Scenario, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s, raw
}

// dirFiles reads every file of a directory tree, by relative path.
func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func simulate(t *testing.T, s *scenario.Scenario, raw []byte, o Options) (*results.Run, string) {
	t.Helper()
	o.OutDir = t.TempDir()
	o.ScenarioYAML = raw
	run, err := Simulate(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	return run, o.OutDir
}

// TestSimulateWritesResultsAndScalesOut: the ASG scales out under the ramp through its own
// target-tracking policy, results are in the live format marked simulated, and report-able.
func TestSimulateWritesResultsAndScalesOut(t *testing.T) {
	s, raw := readScenario(t, "asg.yaml")
	run, dir := simulate(t, s, raw, Options{})
	if run.Mode != "simulated" || len(run.Platforms) != 2 {
		t.Fatalf("run: mode %q, %d platforms", run.Mode, len(run.Platforms))
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range l.Run.Platforms {
		if p.Status != "ok" || p.Requests < 3000 || p.Errors != 0 || p.LatencyMs.P50 <= 0 || p.RunCost <= 0 {
			t.Errorf("%s: %+v", p.Name, p)
		}
		if len(l.Timelines[p.Name]) < 30 || len(l.Events[p.Name]) == 0 {
			t.Errorf("%s: %d points, %d events", p.Name, len(l.Timelines[p.Name]), len(l.Events[p.Name]))
		}
	}
	if a := l.Run.Platforms[1]; a.PeakCapacity < 2 || a.ScaleOutSeconds < 0 {
		t.Errorf("asg did not scale out: peak %d, scale-out %v s", a.PeakCapacity, a.ScaleOutSeconds)
	}
	if l.Run.BreakEven == nil || len(l.Run.BreakEven.Series) == 0 {
		t.Error("no break-even")
	}
}

// TestSimulateDeterminism: the same seed gives byte-identical results directories; a
// different seed gives different arrivals.
func TestSimulateDeterminism(t *testing.T) {
	s, raw := readScenario(t, "asg.yaml")
	_, a := simulate(t, s, raw, Options{Seed: 7})
	_, b := simulate(t, s, raw, Options{Seed: 7})
	fa, fb := dirFiles(t, a), dirFiles(t, b)
	var names []string
	for n := range fa {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(fa) != len(fb) || len(names) < 8 {
		t.Fatalf("files: %d vs %d", len(fa), len(fb))
	}
	for _, n := range names {
		if !bytes.Equal(fa[n], fb[n]) {
			t.Errorf("%s differs between two runs with the same seed", n)
		}
	}
	_, c := simulate(t, s, raw, Options{Seed: 8})
	fc := dirFiles(t, c)
	if bytes.Equal(fa["asg/timeline.csv"], fc["asg/timeline.csv"]) {
		t.Error("a different seed gave the same arrivals")
	}
}

func TestSimulateBadInput(t *testing.T) {
	s, raw := readScenario(t, "asg.yaml")
	for _, o := range []Options{{Mode: "fast"}, {Traffic: &traffic.Traffic{Kind: "constant", Params: map[string]float64{"rate": 1}}}} {
		o.OutDir, o.ScenarioYAML = t.TempDir(), raw
		if _, err := Simulate(context.Background(), s, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// TestSimulateLeavesOutStallSeconds: seconds a live run lost to host stalls are left out
// of the simulation's steady latency, and only those.
func TestSimulateLeavesOutStallSeconds(t *testing.T) {
	s, raw := readScenario(t, "asg.yaml")
	leave := make([]bool, 10)
	leave[3], leave[4] = true, true
	run, _ := simulate(t, s, raw, Options{LeaveOut: map[string][]bool{"asg": leave}})
	for _, p := range run.Platforms {
		switch p.Name {
		case "asg":
			if p.StallSeconds != 2 || p.LatencySteadyMs == nil || !(p.LatencySteadyMs.P50 > 0) {
				t.Errorf("asg: %d stall seconds, steady %v; want 2 and a latency", p.StallSeconds, p.LatencySteadyMs)
			}
		default:
			if p.StallSeconds != 0 || p.LatencySteadyMs != nil {
				t.Errorf("%s had no seconds to leave out, yet %d, %v", p.Name, p.StallSeconds, p.LatencySteadyMs)
			}
		}
	}
}
