package docker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/deploybench/deploybench/runtime"
)

// tmpRoot holds the test app's binary; TestMain removes it.
var tmpRoot string

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// engine returns a client of the engine the tests use, or skips the test with one line
// when none answers — except in CI (CI=true), where a missing engine is a failure.
func engine(t *testing.T) *client.Client {
	t.Helper()
	cli, _, err := Connect(context.Background(), "")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skipf("skipped, no Docker engine: %v", err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

var (
	imageOnce sync.Once
	imageTag  string
	imageErr  error
)

// testImage builds (once per package run, and only when the engine lacks it) a FROM
// scratch image of testdata/httpapp compiled with CGO_ENABLED=0. The tag carries the
// binary's hash, so an unchanged app reuses the image of an earlier run.
func testImage(t testing.TB, cli *client.Client) string {
	t.Helper()
	imageOnce.Do(func() {
		dir, err := os.MkdirTemp("", "deploybench-dockertest-")
		if err != nil {
			imageErr = err
			return
		}
		tmpRoot = dir
		bin := filepath.Join(dir, "httpapp")
		gobin := filepath.Join(goruntime.GOROOT(), "bin", "go")
		if _, err := os.Stat(gobin); err != nil {
			gobin = "go"
		}
		cmd := exec.Command(gobin, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./testdata/httpapp")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			imageErr = fmt.Errorf("go build httpapp: %v: %s", err, out)
			return
		}
		f, err := os.Open(bin)
		if err != nil {
			imageErr = err
			return
		}
		h := sha256.New()
		_, _ = io.Copy(h, f)
		f.Close()
		imageTag = "deploybench-test/httpapp:" + hex.EncodeToString(h.Sum(nil))[:12]
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := cli.ImageInspect(ctx, imageTag); err == nil {
			return
		}
		imageErr = BuildImage(ctx, cli, imageTag, "FROM scratch\nCOPY httpapp /httpapp\nENTRYPOINT [\"/httpapp\"]\n",
			[]ImageFile{{Name: "httpapp", Path: bin, Mode: 0o755}}, nil)
	})
	if imageErr != nil {
		t.Fatalf("test image: %v", imageErr)
	}
	return imageTag
}

// newBackend starts a backend for one test and closes it at the end, checking that no
// container of its run is left.
func newBackend(t *testing.T, cli *client.Client, fraction float64) *Backend {
	t.Helper()
	b, err := New(context.Background(), Options{VCPUFraction: fraction})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if n := runContainers(t, cli, b.RunLabel()); n != 0 {
			t.Errorf("%d containers of run %s left after Close", n, b.RunLabel())
		}
	})
	return b
}

// runContainers counts the containers (any state) labelled with run.
func runContainers(t *testing.T, cli *client.Client, run string) int {
	t.Helper()
	list, err := cli.ContainerList(context.Background(), client.ContainerListOptions{All: true,
		Filters: make(client.Filters).Add("label", LabelRun+"="+run)})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}

// appSpec is a Spec of the test app.
func appSpec(image string, vcpu float64, memMiB int) runtime.Spec {
	return runtime.Spec{Name: "t", Image: image, HealthPath: "/healthz", VCPU: vcpu, MemoryMiB: memMiB,
		Labels: map[string]string{"platform": "test"}}
}

// get fetches a URL and returns its status.
func get(t *testing.T, url string, timeout time.Duration) (int, error) {
	t.Helper()
	c := &http.Client{Timeout: timeout}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
