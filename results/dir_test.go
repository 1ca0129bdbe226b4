package results

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	run := Run{Scenario: "s", Mode: "live", Started: start, Platforms: []Platform{{Name: "ec2 / t3.medium", Kind: "ec2"}}}
	d, err := Create(dir, run)
	if err != nil {
		t.Fatal(err)
	}
	w, err := d.Platform("ec2 / t3.medium")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := w.AddPoint(Point{T: float64(i), Requests: 10, P95: 12.5, Capacity: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddEvent(platform.Event{At: start, Kind: "launch", Instance: "i-1"}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	l, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Run.Partial {
		t.Error("a run that was never finished must read back as partial")
	}
	if got := len(l.Timelines["ec2 / t3.medium"]); got != 3 {
		t.Errorf("timeline points = %d, want 3", got)
	}
	if got := l.Events["ec2 / t3.medium"]; len(got) != 1 || got[0].Kind != "launch" {
		t.Errorf("events = %+v", got)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, runJSON, want string
	}{
		{"not json", "{", "run.json"},
		{"future version", `{"format_version": 99}`, "format_version 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "run.json"), []byte(tt.runJSON), 0o644)
			_, err := Read(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	if _, err := Read(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no run.json") {
		t.Fatalf("empty dir: err = %v", err)
	}
}

func TestReadTimelineTornLastLine(t *testing.T) {
	in := "t,requests,errors,p50_ms,p95_ms,p99_ms,capacity,pending,cpu_pct,cost\n0,1,0,1,2,3,1,0,50,0.01\n1,2,0,1"
	pts, err := ReadTimeline(strings.NewReader(in))
	if err != nil || len(pts) != 1 {
		t.Fatalf("pts=%v err=%v", pts, err)
	}
	if _, err := ReadTimeline(strings.NewReader("t,requests,errors,p50_ms,p95_ms,p99_ms,capacity,pending,cpu_pct,cost\nx,1,0,1,2,3,1,0,50,0.01\n")); err == nil {
		t.Fatal("want an error for a non-number")
	}
}

func FuzzReadTimeline(f *testing.F) {
	f.Add([]byte("t,requests,errors,p50_ms,p95_ms,p99_ms,capacity,pending,cpu_pct,cost\n0,1,0,1,2,3,1,0,50,0.01\n"))
	f.Add([]byte("\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ReadTimeline(bytes.NewReader(b))
	})
}

func FuzzReadEvents(f *testing.F) {
	f.Add([]byte(`{"t":"2026-01-01T00:00:00Z","kind":"launch"}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ReadEvents(bytes.NewReader(b))
	})
}
