package runner

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/report"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/runtime/docker"
	"github.com/deploybench/deploybench/runtime/docker/dockertest"
	"github.com/deploybench/deploybench/scenario"
)

// TestRunFargateDockerStartupSplit: a Fargate task in a container records its start-up
// split with runtime docker and the pull modelled from the image's real compressed size
// at the configured throughput, and no container remains after the run.
func TestRunFargateDockerStartupSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("live run")
	}
	cli := dockertest.Engine(t)
	image := dockertest.GoImage(t, cli, "github.com/deploybench/deploybench/runtime/docker/testdata/httpapp")
	s, err := scenario.Parse([]byte(fmt.Sprintf(`name: split
timescale: 60
runtime: docker
app: {image: %q, health_path: /healthz}
load: {rate: 5, duration: 1s}
platforms:
  - {name: task, kind: fargate, settings: {cpu: 0.25, memory_gb: 0.5, min: 1, max: 1, disable_scaling: true, pull_throughput_mbps: 0.5}}
`, image)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Run(context.Background(), s, Options{OutDir: dir}); err != nil {
		t.Fatal(err)
	}
	if n := dockertest.Containers(t, cli, docker.LabelPlatform+"=task"); n != 0 {
		t.Errorf("%d containers of the platform left", n)
	}
	n, err := docker.CompressedSize(context.Background(), cli, image)
	if err != nil {
		t.Fatal(err)
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows := report.StartupRows(l.Run, l.Events)
	if len(rows) != 1 {
		t.Fatalf("start-up rows %+v", rows)
	}
	r := rows[0]
	// The pull is waited for in compressed time and read back from the event, so it is
	// within a few milliseconds × timescale of size / throughput.
	want := time.Duration(float64(n) / 1e6 / 0.5 * float64(time.Second))
	if r.Runtime != "docker" || r.Count != 1 || !r.Pulls || r.PullP50 < want-time.Second || r.PullP50 > want+time.Second {
		t.Errorf("row %+v: want runtime docker, one start, a pull of about %v", r, want)
	}
	if r.CreateP50 <= 0 || r.AppP50 <= 0 {
		t.Errorf("row %+v: create and app start must be measured", r)
	}
}

// TestRunNeverHealthyImage: an image whose app never answers its health path fails its
// platform with one line naming the image and the app's last log line, and leaves no
// container behind.
func TestRunNeverHealthyImage(t *testing.T) {
	if testing.Short() {
		t.Skip("live run")
	}
	cli := dockertest.Engine(t)
	image := dockertest.GoImage(t, cli, "github.com/deploybench/deploybench/runtime/docker/testdata/httpapp")
	s, err := scenario.Parse([]byte(fmt.Sprintf(`name: unhealthy
timescale: 60
runtime: docker
app: {image: %q, health_path: /healthz, env: {NEVER_HEALTHY: "1"}, startup_timeout: 2s}
load: {rate: 5, duration: 1s}
platforms:
  - {name: sick, kind: fargate, settings: {cpu: 0.25, memory_gb: 0.5, min: 1, max: 1, disable_scaling: true}}
`, image)))
	if err != nil {
		t.Fatal(err)
	}
	run, err := Run(context.Background(), s, Options{OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	p := run.Platforms[0]
	if p.Status != "failed" || !strings.Contains(p.Error, "never answered 200") || !strings.Contains(p.Error, image) ||
		!strings.Contains(p.Error, "last log line") || strings.Contains(p.Error, "\n") {
		t.Errorf("platform %s: %q; want one failed line naming the image and the app's last log line", p.Status, p.Error)
	}
	if n := dockertest.Containers(t, cli, docker.LabelPlatform+"=sick"); n != 0 {
		t.Errorf("%d containers left", n)
	}
}
