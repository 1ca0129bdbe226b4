package runner

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/report"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/runtime/docker"
	"github.com/deploybench/deploybench/runtime/docker/dockertest"
	"github.com/deploybench/deploybench/scenario"
)

// lambdaHandlerPkg is a Lambda handler built with aws-lambda-go (Runtime API only).
const lambdaHandlerPkg = "github.com/deploybench/deploybench/runtime/docker/testdata/lambdahandler"

func rieScenario(t *testing.T, image, load string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Parse([]byte(fmt.Sprintf(`name: rie
timescale: 60
runtime: docker
app: {image: %q, handler_type: runtime-api, path: /hello}
load: %s
platforms:
  - {name: fn, kind: lambda, settings: {memory_mb: 256, reserved_concurrency: 6}}
`, image, load)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLambdaHandlerThroughRIE: a handler image built in the test serves requests sent to
// the API Gateway front door through the Runtime Interface Emulator; the first request
// is a cold start, the next ones are warm on the same environment, and no container of
// the run remains once the plan is closed.
func TestLambdaHandlerThroughRIE(t *testing.T) {
	cli := dockertest.Engine(t)
	image := dockertest.GoImage(t, cli, lambdaHandlerPkg)
	plan, err := Prepare(rieScenario(t, image, "{rate: 5, duration: 1s}"), Options{OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	db := plan.backends["docker"].(*docker.Backend)
	run := docker.LabelRun + "=" + db.RunLabel()
	defer func() {
		plan.Close()
		if n := dockertest.Containers(t, cli, run); n != 0 {
			t.Errorf("%d labelled containers left after the run", n)
		}
	}()
	lp := plan.preps[0].built.Platform.(lambdaPlatform)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := lp.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer lp.Stop(context.Background())
	c := &http.Client{Timeout: 20 * time.Second}
	for i := 1; i <= 3; i++ {
		resp, err := c.Get(lp.URL() + "/hello?n=" + fmt.Sprint(i))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := fmt.Sprintf("hello GET /hello?n=%d ", i)
		if resp.StatusCode != 201 || string(body) != want || resp.Header.Get("X-Handler") != "lambdahandler" {
			t.Fatalf("request %d: %d %q (%v), want 201 %q from the handler", i, resp.StatusCode, body, resp.Header, want)
		}
		// One environment served all three: its handler counts its invocations.
		if got := resp.Header.Get("X-Invocation"); got != fmt.Sprint(i) {
			t.Errorf("request %d: invocation %s of its environment, want %d (warm reuse)", i, got, i)
		}
		if st := lp.Stats(); st.ColdStarts != 1 {
			t.Errorf("after request %d: %d cold starts, want 1", i, st.ColdStarts)
		}
	}
	if st := lp.Stats(); st.InitP50 <= 0 {
		t.Errorf("INIT not measured: %+v", st)
	}
	resp, err := c.Get(lp.URL() + "/error")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("a handler error answered %d, want 502", resp.StatusCode)
	}
	if n := dockertest.Containers(t, cli, run); n != 1 {
		t.Errorf("%d containers during the run, want the one environment", n)
	}
	if err := lp.Stop(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestRunLambdaHandlerScenario runs the same handler as a whole scenario: the report
// counts its cold starts and records each environment's start-up on docker.
func TestRunLambdaHandlerScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("live run")
	}
	cli := dockertest.Engine(t)
	image := dockertest.GoImage(t, cli, lambdaHandlerPkg)
	dir := t.TempDir()
	runRes, err := Run(context.Background(), rieScenario(t, image, "{rate: 4, duration: 2s}"), Options{OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	p := runRes.Platforms[0]
	if p.Status != "ok" || p.Requests < 6 || p.Errors != 0 || p.ColdStarts < 1 || p.ColdStarts > 6 || p.Runtime != "docker" {
		t.Errorf("platform %+v", p)
	}
	// Cold and warm are both reported: the requests beyond the cold starts ran warm.
	if notes := strings.Join(p.Notes, "; "); !strings.Contains(notes, "warm invocations ") || strings.Contains(notes, "warm invocations 0,") {
		t.Errorf("notes %q: want a non-zero warm invocation count", notes)
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows := report.StartupRows(l.Run, l.Events)
	if len(rows) != 1 || rows[0].Runtime != "docker" || rows[0].Pulls || rows[0].Count != int(p.ColdStarts) {
		t.Errorf("start-up rows %+v for %d cold starts", rows, p.ColdStarts)
	}
}

// TestImageSizeFromDockerImage: on docker, an ECS platform that does not set
// image_size_mb models the pull of the real image (its gzip-compressed size); one that
// sets it keeps its figure.
func TestImageSizeFromDockerImage(t *testing.T) {
	cli := dockertest.Engine(t)
	image := dockertest.GoImage(t, cli, "github.com/deploybench/deploybench/runtime/docker/testdata/httpapp")
	s, err := scenario.Parse([]byte(fmt.Sprintf(`name: size
runtime: docker
app: {image: %q, health_path: /healthz}
load: {rate: 1, duration: 1s}
platforms:
  - {name: auto, kind: fargate, settings: {cpu: 0.25, memory_gb: 0.5}}
  - {name: set, kind: fargate, settings: {cpu: 0.25, memory_gb: 0.5, image_size_mb: 413}}
`, image)))
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	plan, err := Prepare(s, Options{OutDir: t.TempDir(), Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	plan.Close()
	n, err := docker.CompressedSize(context.Background(), cli, image)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("image_size_mb %.1f: %s gzip-compressed", float64(n)/1e6, image)
	if got := strings.Count(log.String(), "image_size_mb "); got != 1 || !strings.Contains(log.String(), want) {
		t.Errorf("log %q: want one line with %q (the platform that sets image_size_mb keeps it)", log.String(), want)
	}
}
