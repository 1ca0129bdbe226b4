package runtime

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchApp is an app command line for BenchmarkStartReadyApp, e.g.
// -runtime.app="/path/to/deploybench serve" (split on spaces; {port} and PORT work).
var benchApp = flag.String("runtime.app", "", "command of an app to time start → ready for (BenchmarkStartReadyApp)")

// benchVCPU is the vCPU count of the app instances timed.
var benchVCPU = flag.Float64("runtime.vcpu", 1, "emulated vCPUs of the app timed by BenchmarkStartReadyApp")

// BenchmarkStartReady measures process start → first 200 on /healthz → stopped, for the
// helper app (this test binary re-executed: a Go HTTP server that does nothing at start).
// It reports the start → ready part as ms/ready.
func BenchmarkStartReady(b *testing.B) {
	for _, cg := range []bool{true, false} {
		b.Run(fmt.Sprintf("cgroups=%v", cg), func(b *testing.B) {
			p, err := NewProcess(ProcessOptions{NoCgroups: !cg, TempRoot: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			if cg && !p.Cgroups() {
				b.Skipf("skipping: needs cgroups: %s", p.Limits())
			}
			benchStartReady(b, p, helperSpec("bench", 1, 256))
		})
	}
}

// BenchmarkStartReadyApp times start → ready of the app given by -runtime.app, on
// -runtime.vcpu emulated vCPUs, with and without cgroups.
func BenchmarkStartReadyApp(b *testing.B) {
	if *benchApp == "" {
		b.Skip("skipping: no -runtime.app command given")
	}
	for _, cg := range []bool{true, false} {
		b.Run(fmt.Sprintf("cgroups=%v", cg), func(b *testing.B) {
			p, err := NewProcess(ProcessOptions{NoCgroups: !cg, TempRoot: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			if cg && !p.Cgroups() {
				b.Skipf("skipping: needs cgroups: %s", p.Limits())
			}
			benchStartReady(b, p, Spec{Name: "app", Command: strings.Fields(*benchApp), HealthPath: "/healthz", VCPU: *benchVCPU, MemoryMiB: 1024})
		})
	}
}

// benchStartReady starts, waits for and stops instances of spec b.N times and reports
// the mean start → ready time as ms/ready.
func benchStartReady(b *testing.B, p *Process, spec Spec) {
	b.Helper()
	var ready time.Duration
	for b.Loop() {
		t0 := time.Now()
		in, err := p.Start(context.Background(), spec)
		if err != nil {
			b.Fatal(err)
		}
		if err := in.WaitReady(context.Background()); err != nil {
			b.Fatal(err)
		}
		ready += time.Since(t0)
		if err := in.Stop(5 * time.Second); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ready.Microseconds())/1000/float64(b.N), "ms/ready")
}

// BenchmarkUsage measures one usage sample of a running instance (cgroup files or /proc).
func BenchmarkUsage(b *testing.B) {
	for _, cg := range []bool{true, false} {
		b.Run(fmt.Sprintf("cgroups=%v", cg), func(b *testing.B) {
			p, err := NewProcess(ProcessOptions{NoCgroups: !cg, TempRoot: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			if cg && !p.Cgroups() {
				b.Skipf("skipping: needs cgroups: %s", p.Limits())
			}
			in, err := p.Start(context.Background(), helperSpec("bench", 1, 0))
			if err != nil {
				b.Fatal(err)
			}
			if err := in.WaitReady(context.Background()); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := in.Usage(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
