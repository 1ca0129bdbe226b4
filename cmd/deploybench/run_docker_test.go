package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/runtime/docker"
	"github.com/deploybench/deploybench/runtime/docker/dockertest"
)

// TestRunDockerFailures is issue 10's failure cases as a user meets them on the command
// line: an unknown image, an unreachable engine and an app that never becomes healthy
// each end the run with a non-zero exit and a last stderr line that says what is wrong,
// and leave no container behind.
func TestRunDockerFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("live runs")
	}
	const scen = `name: %s
timescale: 60
runtime: docker
app: %s
load: {rate: 5, duration: 1s}
platforms:
  - {name: %s, kind: fargate, settings: {cpu: 0.25, memory_gb: 0.5, min: 1, max: 1, disable_scaling: true}}
`
	tests := []struct {
		name       string
		engine     bool   // needs a reachable engine (skipped without one)
		dockerHost string // DOCKER_HOST for the run
		image      string // "" means the tests' HTTP app, which never answers 200 here
		app        string // the app mapping, when not that image's
		code       int
		want       []string // in the last stderr line
	}{
		{"unknown image", true, "", "deploybench-test/no-such-image:missing", "", exitUsage,
			[]string{"app.image", "not found", "image_archive"}},
		{"unreachable engine", false, "tcp://127.0.0.1:1", "deploybench-test/any:1", "", exitFailure,
			[]string{"cannot reach the Docker engine at tcp://127.0.0.1:1", "DOCKER_HOST"}},
		{"command not image", true, "", "-", `{command: ["/bin/true"]}`, exitUsage,
			[]string{"invalid scenario: app:", "not a command", "runtime: process"}},
		{"never healthy", true, "", "", "", exitFailure,
			[]string{"1 of 1 platforms failed (clifail-never-healthy); clifail-never-healthy: ", "never answered 200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			platform := "clifail-" + strings.ReplaceAll(tt.name, " ", "-")
			image := tt.image
			if tt.engine {
				c := dockertest.Engine(t)
				if image == "" {
					image = dockertest.GoImage(t, c, "github.com/deploybench/deploybench/runtime/docker/testdata/httpapp")
				}
				defer func() {
					if n := dockertest.Containers(t, c, docker.LabelPlatform+"="+platform); n != 0 {
						t.Errorf("%d containers left", n)
					}
				}()
			}
			app := tt.app
			if app == "" {
				app = fmt.Sprintf(`{image: %q, health_path: /healthz, env: {NEVER_HEALTHY: "1"}, startup_timeout: 2s}`, image)
			}
			if tt.dockerHost != "" {
				t.Setenv("DOCKER_HOST", tt.dockerHost)
			}
			dir := t.TempDir()
			f := filepath.Join(dir, "s.yaml")
			if err := os.WriteFile(f, []byte(fmt.Sprintf(scen, platform, app, platform)), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"run", f, "--out", filepath.Join(dir, "out")}, &stdout, &stderr)
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			last := lines[len(lines)-1]
			if code != tt.code {
				t.Errorf("exit %d, want %d; last stderr line %q", code, tt.code, last)
			}
			for _, w := range tt.want {
				if !strings.Contains(last, w) {
					t.Errorf("last stderr line %q lacks %q", last, w)
				}
			}
		})
	}
}
