package queue

import (
	"context"
	"errors"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/live"
	"github.com/deploybench/deploybench/platform/fleet/live/livetest"
	"github.com/deploybench/deploybench/runtime"
	"github.com/nats-io/nats.go"
)

// workerEnv, set to "1", makes TestMain run RunWorker instead of the tests: the test
// binary is then the worker program of the live tests.
const workerEnv = "DEPLOYBENCH_QUEUE_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
		err := RunWorker(ctx, WorkerOptions{URL: os.Getenv("QUEUE_NATS"), Stream: os.Getenv("QUEUE_STREAM"),
			Port: os.Getenv("PORT"), Log: os.Stderr})
		stop()
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testWorld is a process backend (recorded, so the test can check nothing is left) and
// the WorkerDriver that runs the test binary as the worker.
func testWorld(t *testing.T) (WorkerDriver, *livetest.RecordingBackend) {
	t.Helper()
	be, err := runtime.NewProcess(runtime.ProcessOptions{VCPUFraction: 0.25, TempRoot: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = be.Close() })
	rb := &livetest.RecordingBackend{Backend: be}
	return func(url, stream string) (fleet.Driver, error) {
		return live.NewDriver(rb, live.App{
			Command:    []string{os.Args[0], "-test.run=^$"},
			Env:        map[string]string{workerEnv: "1", "QUEUE_NATS": url, "QUEUE_STREAM": stream},
			HealthPath: "/healthz", StartupTimeout: 20 * time.Second,
		}, 0.25, map[string]string{"platform": "queue"})
	}, rb
}

// checkClean fails t unless the broker's store is gone, its port is free and no worker
// process, cgroup or port is left.
func checkClean(t *testing.T, b *Bench, rb *livetest.RecordingBackend) {
	t.Helper()
	livetest.CheckGone(t, rb)
	if dir := b.Broker().StoreDir(); dir != "" {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("broker store %s still exists", dir)
		}
	}
	addr := strings.TrimPrefix(b.Broker().URL(), "nats://")
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("broker %s still accepts connections", addr)
	}
}

func dumpEvents(t *testing.T, b *Bench) {
	t.Cleanup(func() {
		if t.Failed() {
			for _, e := range b.log.Events() {
				t.Logf("%s %s %s %s", e.At.Format("15:04:05.000"), e.Kind, e.Instance, e.Detail)
			}
		}
	})
}

// TestLiveBurst is must-show 4: no task while idle; a burst of 200 jobs starts workers,
// which drain the queue, each job completed once; the service returns to 0 tasks; nothing
// is left after Close.
func TestLiveBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := testWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	cfg := Config{Jobs: 200, MaxTasks: 4, Timescale: 200, Idle: 30 * time.Second, ImageSizeMB: 12,
		AckWait: 60 * time.Second}
	b, err := Start(ctx, cfg, Env{Driver: drv, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dumpEvents(t, b)
	defer b.Close(context.Background())
	cfg = b.Config()

	// Idle: several scaler datapoints, no task.
	if err := poll(ctx, func() (bool, error) { return len(b.scaler.Points()) >= 5, nil }); err != nil {
		t.Fatal(err)
	}
	if n := len(activeTasks(b.Service())); n != 0 {
		t.Fatalf("%d tasks while idle, want 0", n)
	}
	jobs, err := b.Jobs("job", cfg.Jobs)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Enqueue(ctx, jobs...); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitDone(ctx, cfg.Jobs); err != nil {
		t.Fatalf("jobs done: %v", err)
	}
	if err := b.WaitTasks(ctx, 0); err != nil {
		t.Fatalf("back to 0 tasks: %v", err)
	}
	r, err := b.Result(ctx)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case r.IdleTasksMax != 0:
		t.Errorf("idle tasks max %d, want 0", r.IdleTasksMax)
	case r.Completed != cfg.Jobs:
		t.Errorf("completed %d, want %d", r.Completed, cfg.Jobs)
	case r.TasksStarted < 1 || r.PeakTasks > cfg.MaxTasks:
		t.Errorf("tasks started %d, peak %d (max %d)", r.TasksStarted, r.PeakTasks, cfg.MaxTasks)
	case !(r.TimeToFirstTaskS > 0) || !(r.LatencyP50S > 0) || r.LatencyP95S < r.LatencyP50S || r.LatencyMaxS < r.LatencyP95S:
		t.Errorf("figures %+v", r)
	case !(r.CostPer1000Jobs > 0):
		t.Errorf("cost per 1000 jobs %v", r.CostPer1000Jobs)
	case r.Classified != 0:
		t.Errorf("classified %d jobs without digits", r.Classified)
	}
	if backlog, err := b.Broker().Backlog(ctx); err != nil || backlog != 0 {
		t.Errorf("backlog %d (%v) after the drain", backlog, err)
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	checkClean(t, b, rb)
}

// TestLiveKillMidJob: the jobs carry digits the workers classify; a worker killed (SIGKILL, through the service's Kill) while it
// holds a job leaves the job unacknowledged; JetStream redelivers it after the AckWait
// to the replacement task, and every job is completed exactly once.
func TestLiveKillMidJob(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := testWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	cfg := Config{Jobs: 3, MaxTasks: 1, Timescale: 100, ImageSizeMB: 12, AckWait: 100 * time.Second, Classify: true}
	b, err := Start(ctx, cfg, Env{Driver: drv, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dumpEvents(t, b)
	defer b.Close(context.Background())

	var mu sync.Mutex
	starts, dones := map[string]int{}, map[string]int{}
	started := make(chan string, 16)
	nc := b.Broker().Conn()
	for kind, m := range map[string]map[string]int{"started": starts, "done": dones} {
		_, err := nc.Subscribe(EventsSubject(b.Broker().Stream(), kind), func(msg *nats.Msg) {
			id, _, _ := strings.Cut(string(msg.Data), " ")
			mu.Lock()
			m[id]++
			mu.Unlock()
			if kind == "started" {
				started <- string(msg.Data)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	// The first job takes 60 s of platform time (0.6 s here): long enough to be killed in.
	jobs, err := b.Jobs("kill", 3)
	if err != nil {
		t.Fatal(err)
	}
	jobs[0].BurnUS = (600 * time.Millisecond).Microseconds()
	if err := b.Enqueue(ctx, jobs...); err != nil {
		t.Fatal(err)
	}
	var first string
	select {
	case first = <-started:
	case <-ctx.Done():
		t.Fatal("no job started")
	}
	first, firstWorker, _ := strings.Cut(first, " ")
	if first != jobs[0].ID {
		t.Fatalf("first job started is %s, want %s", first, jobs[0].ID)
	}
	// The only task holds the job (a worker pulls as soon as it is bound, possibly
	// before the service has seen it ready).
	var victim string
	for _, ti := range activeTasks(b.Service()) {
		victim = ti.ID
	}
	if err := b.Service().Kill(victim); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitDone(ctx, len(jobs)); err != nil {
		t.Fatalf("jobs done: %v", err)
	}
	comps, err := b.Broker().Completions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A worker announces a completion after writing its record: wait for the
	// announcements too (each job once; a second one would be a job done twice).
	err = poll(ctx, func() (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, c := range dones {
			n += c
		}
		return n >= len(jobs), nil
	})
	if err != nil {
		t.Fatalf("completion announcements: %v (%v)", err, dones)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(comps) != len(jobs) {
		t.Fatalf("%d completion records, want %d", len(comps), len(jobs))
	}
	for _, j := range jobs {
		if dones[j.ID] != 1 {
			t.Errorf("job %s completed %d times, want 1", j.ID, dones[j.ID])
		}
	}
	right := 0
	for _, c := range comps {
		if c.Predicted == c.Label {
			right++
		}
	}
	if right < 2 { // the built-in SVM reads ~98 % of the test digits
		t.Errorf("%d of 3 digits read right: %+v", right, comps)
	}
	if c := comps[jobs[0].ID]; c.Deliveries < 2 || starts[jobs[0].ID] < 2 || c.Worker == firstWorker {
		t.Errorf("killed job: %+v, started %d times; want a redelivery to another worker", c, starts[jobs[0].ID])
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	checkClean(t, b, rb)
}

// TestLiveRunCanceled: canceling a run mid-drain (Ctrl-C) returns the context's error
// and leaves no worker process, port or broker store behind.
func TestLiveRunCanceled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	drv, rb := testWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	runCtx, interrupt := context.WithCancel(ctx)
	defer interrupt()
	tmp := t.TempDir()
	cfg := Config{Jobs: 100, JobWork: 20 * time.Second, MaxTasks: 2, Timescale: 100, Idle: 10 * time.Second,
		ImageSizeMB: 12, AckWait: 100 * time.Second}
	onEvent := func(e platform.Event) {
		if e.Kind == "task_running" {
			interrupt()
		}
	}
	_, err := Run(runCtx, cfg, Env{Driver: drv, TempDir: tmp, OnEvent: onEvent})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel: %v, want context.Canceled", err)
	}
	livetest.CheckGone(t, rb)
	if left, _ := filepath.Glob(filepath.Join(tmp, "deploybench-nats-*")); len(left) != 0 {
		t.Errorf("broker store left: %v", left)
	}
}
