package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/queue"
)

// helperWorkers runs `queue-worker` in this test binary through TestServeHelperProcess.
// Set for the whole package: the default, os.Executable(), is the test binary itself,
// which would run the tests instead of the worker.
func helperWorkers() ([]string, map[string]string, error) {
	return []string{os.Args[0], "-test.run=^TestServeHelperProcess$", "--"},
		map[string]string{"DEPLOYBENCH_HELPER_PROCESS": "1"}, nil
}

func init() { queueWorkerProgram = helperWorkers }

// TestQueueCommand runs `deploybench queue` end to end with the workers as real child
// processes (this test binary, via TestServeHelperProcess, running `queue-worker`): the
// report shows no task while idle, every job completed, and the JSON is written.
func TestQueueCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	out := filepath.Join(t.TempDir(), "result.json")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"queue", "--jobs", "40", "--task-cpu", "0.5", "--task-memory", "1GB", "--max-tasks", "2",
		"--timescale", "200", "--idle", "20s", "--ack-wait", "60s", "--out", out}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	report := strings.Join(strings.Fields(stdout.String()), " ")
	for _, want := range []string{"tasks while idle 0", "jobs completed 40 of 40", "cost per 1,000 jobs", "timeline", "digits classified (built-in SVM) 40,"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout.String())
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r queue.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Completed != 40 || r.Classified != 40 || r.Accuracy < 0.9 || r.IdleTasksMax != 0 || !(r.CostPer1000Jobs > 0) || len(r.Timeline) == 0 {
		t.Errorf("result %+v", r)
	}
}

// TestQueueUsage: bad input exits 2 with a one-line error naming the flag, before any
// worker could start (the worker program fails the test if it is ever asked for).
func TestQueueUsage(t *testing.T) {
	prev := queueWorkerProgram
	queueWorkerProgram = func() ([]string, map[string]string, error) {
		t.Error("a worker was about to start")
		return nil, nil, errors.New("no workers in this test")
	}
	t.Cleanup(func() { queueWorkerProgram = prev })
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"queue", "--task-memory", "lots"}, "--task-memory"},
		{[]string{"queue", "--task-cpu", "0.25", "--task-memory", "4GB"}, "memory_gb"},
		{[]string{"queue", "--jobs", "0"}, "queue.jobs"},
		{[]string{"queue", "--max-tasks", "0"}, "max"},
		{[]string{"queue", "--vcpu-fraction", "0"}, "--vcpu-fraction"},
		{[]string{"queue-worker"}, "--nats"},
		{[]string{"queue-worker", "--nats", "nats://127.0.0.1:1", "--port", "x"}, "--port"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, &stdout, &stderr)
		msg := stderr.String()
		if code != exitUsage || !strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, msg, exitUsage, c.want)
		}
	}
}
