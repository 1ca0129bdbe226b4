package docker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/deploybench/deploybench/runtime"
)

// classifierBinary builds a static deploybench (as `deploybench image build` does) and
// its FROM scratch image, tagged by the binary's hash so an unchanged build is reused.
func classifierBinary(b *testing.B, cli *client.Client) (bin, image string) {
	b.Helper()
	dir := b.TempDir()
	bin = filepath.Join(dir, "deploybench")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "github.com/deploybench/deploybench/cmd/deploybench")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v: %s", err, out)
	}
	f, err := os.Open(bin)
	if err != nil {
		b.Fatal(err)
	}
	h := sha256.New()
	_, _ = io.Copy(h, f)
	f.Close()
	image = "deploybench-bench/classifier:" + hex.EncodeToString(h.Sum(nil))[:12]
	ctx := context.Background()
	if _, err := cli.ImageInspect(ctx, image); err != nil {
		if err := BuildImage(ctx, cli, image, ClassifierDockerfile("builtin:svm"),
			[]ImageFile{{Name: binaryName, Path: bin, Mode: 0o755}}, nil); err != nil {
			b.Fatal(err)
		}
	}
	return bin, image
}

// benchStartup starts, waits for healthy and stops one classifier per iteration, and
// reports the start → healthy time.
func benchStartup(b *testing.B, be runtime.Backend, spec runtime.Spec) {
	b.Helper()
	ctx := context.Background()
	var ready, create time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		in, err := be.Start(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		if err := in.WaitReady(ctx); err != nil {
			b.Fatal(err)
		}
		ready += time.Since(t0)
		if st, ok := in.(interface{ Startup() Startup }); ok {
			create += st.Startup().Create
		}
		b.StopTimer()
		if err := in.Stop(5 * time.Second); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(ready.Microseconds())/1e3/float64(b.N), "ms-to-healthy")
	if create > 0 {
		b.ReportMetric(float64(create.Microseconds())/1e3/float64(b.N), "ms-create+start")
	}
}

// BenchmarkClassifierStartup compares the built-in classifier's start-up (start →
// first 200 on /healthz) as a process in a cgroup and as a container, from the same
// static binary, at 1 vCPU × 0.25 host core. Run with -benchtime=10x.
func BenchmarkClassifierStartup(b *testing.B) {
	cli, _, err := Connect(context.Background(), "")
	if err != nil {
		b.Skipf("skipped, no Docker engine: %v", err)
	}
	defer cli.Close()
	bin, image := classifierBinary(b, cli)
	b.Run("process", func(b *testing.B) {
		p, err := runtime.NewProcess(runtime.ProcessOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		benchStartup(b, p, runtime.Spec{Name: "svm", Command: []string{bin, "serve", "--model", "builtin:svm"},
			HealthPath: "/healthz", VCPU: 1, MemoryMiB: 512})
	})
	b.Run("container", func(b *testing.B) {
		d, err := New(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close()
		benchStartup(b, d, runtime.Spec{Name: "svm", Image: image, HealthPath: "/healthz", VCPU: 1, MemoryMiB: 512})
	})
}

// BenchmarkUsage is the cost of one usage sample of a running container: from its
// cgroup files (how Usage reads a local engine's containers) and from the engine's
// one-shot stats (the remote-engine fallback).
func BenchmarkUsage(b *testing.B) {
	cli, _, err := Connect(context.Background(), "")
	if err != nil {
		b.Skipf("skipped, no Docker engine: %v", err)
	}
	defer cli.Close()
	img := testImage(b, cli)
	d, err := New(context.Background(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	in, err := d.Start(context.Background(), appSpec(img, 1, 64))
	if err != nil {
		b.Fatal(err)
	}
	ci := in.(*instance)
	local := ci.cgOK
	defer func() { ci.cgOK = local }()
	for _, mode := range []struct {
		name string
		cg   bool
	}{{"cgroup", true}, {"engine", false}} {
		b.Run(mode.name, func(b *testing.B) {
			if mode.cg && !local {
				b.Skip("no cgroup files for this engine's containers")
			}
			ci.cgOK = mode.cg
			for i := 0; i < b.N; i++ {
				if _, err := in.Usage(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
