package runner

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/runtime/docker"
	"github.com/deploybench/deploybench/runtime/docker/dockertest"
	"github.com/deploybench/deploybench/scenario"
)

// httpAppPkg is the tests' small HTTP server, which is not deploybench.
const httpAppPkg = "github.com/deploybench/deploybench/runtime/docker/testdata/httpapp"

// TestRunOwnImageOnASGAndFargate: an image that is not deploybench serves from an EC2
// Auto Scaling group and from Fargate through their load balancers, and the report
// covers it like the built-in app (requests, latency, runtime, start-up split), with no
// container left.
func TestRunOwnImageOnASGAndFargate(t *testing.T) {
	if testing.Short() {
		t.Skip("live run")
	}
	cli := dockertest.Engine(t)
	image := dockertest.GoImage(t, cli, httpAppPkg)
	s, err := scenario.Parse([]byte(fmt.Sprintf(`name: own-image
timescale: 60
runtime: docker
app: {image: %q, health_path: /healthz, path: /burn, env: {BURN_MS: "1"}}
load: {rate: 10, duration: 2s}
platforms:
  - {name: own-asg, kind: asg, settings: {instance_type: t3.small, min: 1, max: 1}}
  - {name: own-fargate, kind: fargate, settings: {cpu: 0.5, memory_gb: 1, min: 1, max: 1, disable_scaling: true}}
`, image)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run, err := Run(context.Background(), s, Options{OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range run.Platforms {
		if p.Status != "ok" || p.Runtime != "docker" || p.Requests < 15 || p.Errors != 0 || p.LatencyMs.P50 <= 0 {
			t.Errorf("platform %s: %+v", p.Name, p)
		}
		if !hasEvent(l.Events[p.Name], "startup", "") {
			t.Errorf("platform %s: no start-up event", p.Name)
		}
		if n := dockertest.Containers(t, cli, docker.LabelPlatform+"="+p.Name); n != 0 {
			t.Errorf("platform %s: %d containers left", p.Name, n)
		}
	}
}

// TestRunOOMKillReplacesTask: requests that keep memory past a Fargate task's limit get
// the container OOM-killed; the task stops as ECS reports it (OutOfMemory, exit 137),
// the service starts another, and the failed requests count as errors.
func TestRunOOMKillReplacesTask(t *testing.T) {
	if testing.Short() {
		t.Skip("live run")
	}
	cli := dockertest.Engine(t)
	image := dockertest.GoImage(t, cli, httpAppPkg)
	// A whole core per vCPU, so that allocating outruns the health checks: starved of
	// CPU, the task fails them before it fills its memory. Even so the Go collector,
	// working ever harder as the heap nears its GOMEMLIMIT, now and then starved them
	// first, so the grace period covers the test's 4 s (20 s of clock time).
	s, err := scenario.Parse([]byte(fmt.Sprintf(`name: oom
timescale: 30
vcpu_fraction: 1
runtime: docker
app: {image: %q, health_path: /healthz, path: /alloc, env: {ALLOC_MB: "32"}}
load: {rate: 8, duration: 4s}
platforms:
  - {name: oom-fargate, kind: fargate, settings: {cpu: 0.25, memory_gb: 0.5, min: 1, max: 1, disable_scaling: true, health_check_grace_period: 600s}}
`, image)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run, err := Run(context.Background(), s, Options{OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	ev := l.Events["oom-fargate"]
	if !hasEvent(ev, "task_stopped", "OutOfMemory (exit 137)") {
		t.Errorf("no task stopped with OutOfMemory (exit 137) in %d events: %+v", len(ev), ev)
	}
	starts := 0
	for _, e := range ev {
		if e.Kind == "task_provisioning" {
			starts++
		}
	}
	if starts < 2 {
		t.Errorf("%d tasks started: the OOM-killed task was not replaced", starts)
	}
	p := run.Platforms[0]
	if p.Errors == 0 {
		t.Errorf("platform %+v: the requests of the killed task are not counted", p)
	}
	if notes := strings.Join(p.Notes, "; "); !strings.Contains(notes, "OutOfMemory (exit 137) ×") {
		t.Errorf("notes %q: the report does not count the OOM kill", notes)
	}
	if n := dockertest.Containers(t, cli, docker.LabelPlatform+"=oom-fargate"); n != 0 {
		t.Errorf("%d containers left", n)
	}
}

// hasEvent reports whether events hold one of kind whose detail contains detail.
func hasEvent(events []platform.Event, kind, detail string) bool {
	for _, e := range events {
		if e.Kind == kind && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}
