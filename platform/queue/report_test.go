package queue

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sampleResult() *Result {
	return &Result{Jobs: 200, JobWorkS: 1, TaskCPU: 0.5, TaskMemoryGB: 1, Arch: "x86_64", MaxTasks: 4,
		TargetBacklogPerTask: 10, Timescale: 30, Broker: "embedded nats-server", Region: "us-east-1",
		TimeToFirstTaskS: 84.2, DrainS: 150.3, BackToZeroS: 310.5, Completed: 200, Redelivered: 1, Classified: 200, Accuracy: 0.975,
		LatencyP50S: 101.2, LatencyP95S: 140.8, LatencyMaxS: 150.3, TasksStarted: 4, PeakTasks: 4,
		TaskSeconds: 1020.4, CostUSD: 0.0081, CostPer1000Jobs: 0.0405,
		Timeline: []TimelinePoint{{T: 10, Running: 0}, {T: 20, Running: 0}, {T: 70, Backlog: 200, Desired: 4},
			{T: 80, Backlog: 200, Desired: 4}, {T: 150, Backlog: 180, Running: 4, Desired: 4}, {T: 300, Running: 4, Desired: 0},
			{T: 310, Running: 0, Desired: 0}, {T: 320}}}
}

// TestWriteText pins the text report (go test -update rewrites testdata/report.golden).
func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleResult().WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("report differs from %s (run with -update):\n%s", golden, buf.String())
	}
}

// TestWriteJSON: the JSON round-trips.
func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleResult().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.CostPer1000Jobs != 0.0405 || len(back.Timeline) != 8 {
		t.Errorf("round trip: %+v", back)
	}
}
