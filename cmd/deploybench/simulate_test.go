package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/results"
)

func TestSimulateBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no scenario", []string{"simulate"}, "accepts 1 arg"},
		{"bad traffic", []string{"simulate", "builtin:demo", "--traffic", "sine:x=1"}, "--traffic"},
		{"days without traffic", []string{"simulate", "builtin:demo", "--days", "3"}, "--days"},
		{"bad mode", []string{"simulate", "builtin:demo", "--mode", "fast", "--out", dir}, "--mode"},
		{"negative servers", []string{"simulate", "builtin:demo", "--servers", "-1"}, "--servers"},
		{"missing calibration", []string{"simulate", "builtin:demo", "--calibration", filepath.Join(dir, "none.json")}, "calibration"},
		{"validate not live", []string{"simulate", "builtin:demo", "--out", filepath.Join(dir, "a"), "--validate", filepath.Join(dir, "nowhere")}, "--validate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errb)
			msg := strings.TrimSpace(errb.String())
			if code != exitUsage || !strings.Contains(msg, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 containing %q", code, msg, tt.want)
			}
		})
	}
}

// TestSimulateCommand simulates the built-in demo twice with the same seed (identical
// results directories, report included) and once with --traffic for a day.
func TestSimulateCommand(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, out := range []string{a, b} {
		var o, e bytes.Buffer
		if code := run(context.Background(), []string{"simulate", "builtin:demo", "--seed", "5", "--out", out}, &o, &e); code != exitOK {
			t.Fatalf("exit %d: %s", code, e.String())
		}
		if !strings.Contains(o.String(), "simulated") {
			t.Errorf("table does not say simulated:\n%s", o.String())
		}
	}
	for _, f := range []string{"run.json", "report.html", "summary.json", "asg/timeline.csv", "asg/events.jsonl", "ec2/bill.json"} {
		x, err1 := os.ReadFile(filepath.Join(a, f))
		y, err2 := os.ReadFile(filepath.Join(b, f))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between runs with the same seed (%v %v)", f, err1, err2)
		}
	}
	day := filepath.Join(dir, "day")
	var o, e bytes.Buffer
	if code := run(context.Background(), []string{"simulate", "builtin:demo", "--traffic", "diurnal:peak=200,trough=20", "--days", "1", "--mode", "aggregate", "--out", day}, &o, &e); code != exitOK {
		t.Fatalf("exit %d: %s", code, e.String())
	}
	l, err := results.Read(day)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range l.Run.Platforms {
		if p.Monthly <= 0 || p.Requests < 9_000_000 {
			t.Errorf("%s: monthly %v, %d requests", p.Name, p.Monthly, p.Requests)
		}
	}
}
