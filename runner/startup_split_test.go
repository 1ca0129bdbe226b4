package runner

import (
	"context"
	"testing"
	"time"

	"github.com/deploybench/deploybench/report"
	"github.com/deploybench/deploybench/results"
)

func TestPullOf(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"image pull 1.01s", 1010 * time.Millisecond, true},
		{"image pull 573ms", 573 * time.Millisecond, true},
		{"waiting 400ms for the pull under way on ci-1", 400 * time.Millisecond, true},
		{"image cached on ci-1", 0, true},
		{"image pull soon", 0, false},
		{"waiting", 0, false},
		{"something else", 0, false},
	} {
		got, ok := pullOf(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("pullOf(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestRunFargateStartupSplit: a Fargate task run on the process backend records its
// start-up split — the pull modelled from image_size_mb (in platform time, the timescale
// undone), create and app measured — and the report reads it back.
func TestRunFargateStartupSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("live run")
	}
	s := testScenario(t, "{rate: 10, duration: 1s}",
		`  - {name: task, kind: fargate, settings: {cpu: 0.25, memory_gb: 0.5, min: 1, max: 1, disable_scaling: true, image_size_mb: 120, pull_throughput_mbps: 12}}
`)
	dir := t.TempDir()
	if _, err := Run(context.Background(), s, Options{OutDir: dir}); err != nil {
		t.Fatal(err)
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	var splits []report.StartupSplit
	for _, e := range l.Events["task"] {
		if e.Kind == report.StartupEventKind {
			sp, err := report.ParseStartup(e.Detail)
			if err != nil {
				t.Fatal(err)
			}
			splits = append(splits, sp)
		}
	}
	if len(splits) != 1 {
		t.Fatalf("%d startup events, want 1 (one task): %v", len(splits), l.Events["task"])
	}
	sp := splits[0]
	// 120 MB at 12 MB/s: 10 s of platform time (waited as 10 s / 60 here).
	if sp.Runtime != "process" || !sp.Pulls || sp.Pull < 9900*time.Millisecond || sp.Pull > 10100*time.Millisecond {
		t.Errorf("split %+v: want runtime process and a 10 s modelled pull", sp)
	}
	if sp.Create <= 0 || sp.App <= 0 {
		t.Errorf("split %+v: create and app must be measured", sp)
	}
	rows := report.StartupRows(l.Run, l.Events)
	if len(rows) != 1 || rows[0].Runtime != "process" || rows[0].Count != 1 {
		t.Errorf("report rows %+v", rows)
	}
}
