// Package dockertest holds the helpers of tests that need a Docker engine: one that
// skips (or fails under CI=true) when no engine answers, and one that builds a FROM
// scratch image of a static Go program without any registry.
package dockertest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/deploybench/deploybench/runtime/docker"
)

// Engine returns a client of the engine the tests use, or skips the test with one line
// when none answers — except in CI (CI=true), where a missing engine is a failure.
func Engine(t testing.TB) *client.Client {
	t.Helper()
	cli, _, err := docker.Connect(context.Background(), "")
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
	mu     sync.Mutex
	images = map[string]string{} // package → tag, built in this process
)

// GoImage builds (once per process, and only when the engine lacks it) a FROM scratch
// image holding the Go program pkg (an import path) compiled with CGO_ENABLED=0 as its
// ENTRYPOINT. The tag carries the binary's hash, so an unchanged program reuses the
// image of an earlier run. The image is left on the engine, like a build cache.
func GoImage(t testing.TB, cli *client.Client, pkg string) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if tag, ok := images[pkg]; ok {
		return tag
	}
	dir := t.TempDir()
	name := path.Base(pkg)
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v: %s", pkg, err, out)
	}
	f, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	_, _ = io.Copy(h, f)
	f.Close()
	tag := "deploybench-test/" + name + ":" + hex.EncodeToString(h.Sum(nil))[:12]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := cli.ImageInspect(ctx, tag); err != nil {
		df := "FROM scratch\nCOPY " + name + " /" + name + "\nENTRYPOINT [\"/" + name + "\"]\n"
		if err := docker.BuildImage(ctx, cli, tag, df, []docker.ImageFile{{Name: name, Path: bin, Mode: 0o755}}, nil); err != nil {
			t.Fatalf("image of %s: %v", pkg, err)
		}
	}
	images[pkg] = tag
	return tag
}

// Containers counts the containers (any state) whose label filter matches, e.g.
// "deploybench.run=dbrun-1-abc".
func Containers(t testing.TB, cli *client.Client, label string) int {
	t.Helper()
	list, err := cli.ContainerList(context.Background(), client.ContainerListOptions{All: true,
		Filters: make(client.Filters).Add("label", label)})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}
