// Package livetest holds helpers for live tests of the platform models: a backend wrapper
// that remembers what it started and a check that none of it (process, cgroup, port) is
// left. It sits beside package live because it is the only other place under platform
// that may know the runtime.
package livetest

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/fleet/live"
	"github.com/deploybench/deploybench/runtime"
)

// RecordingBackend wraps a runtime backend and remembers every instance it started, so
// that live tests can check that nothing of them is left after a platform stops.
type RecordingBackend struct {
	runtime.Backend
	mu    sync.Mutex
	insts []runtime.Instance
}

// Start implements runtime.Backend.
func (b *RecordingBackend) Start(ctx context.Context, spec runtime.Spec) (runtime.Instance, error) {
	in, err := b.Backend.Start(ctx, spec)
	if err == nil {
		b.mu.Lock()
		b.insts = append(b.insts, in)
		b.mu.Unlock()
	}
	return in, err
}

// Instances returns every instance started so far.
func (b *RecordingBackend) Instances() []runtime.Instance {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]runtime.Instance(nil), b.insts...)
}

// CheckGone fails t if any instance started through b still has a process, a cgroup or
// a listening port.
func CheckGone(t testing.TB, b *RecordingBackend) {
	t.Helper()
	for _, in := range b.Instances() {
		select {
		case <-in.Done():
		case <-time.After(10 * time.Second):
			t.Errorf("instance %s: app still running", in.ID())
			continue
		}
		if p, ok := in.(interface{ PID() int }); ok && p.PID() > 0 {
			if err := syscall.Kill(p.PID(), 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("instance %s: process %d still exists (kill 0: %v)", in.ID(), p.PID(), err)
			}
		}
		if c, ok := in.(interface{ CgroupPath() string }); ok && c.CgroupPath() != "" {
			if _, err := os.Stat(c.CgroupPath()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("instance %s: cgroup %s still exists", in.ID(), c.CgroupPath())
			}
		}
		if conn, err := net.DialTimeout("tcp", in.Addr(), time.Second); err == nil {
			conn.Close()
			t.Errorf("instance %s: %s still accepts connections", in.ID(), in.Addr())
		}
	}
}

// World returns a process backend (cgroups where permitted) wrapped in a
// RecordingBackend and a live driver running the test binary as the app (see
// fleettest.ServeApp; the caller's TestMain must dispatch on fleettest.AppEnv). The
// backend is closed when the test ends.
func World(t testing.TB, vcpuFraction float64) (*live.Driver, *RecordingBackend) {
	t.Helper()
	be, err := runtime.NewProcess(runtime.ProcessOptions{VCPUFraction: vcpuFraction, TempRoot: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = be.Close() })
	t.Logf("backend limits: %s", be.Limits())
	rb := &RecordingBackend{Backend: be}
	drv, err := live.NewDriver(rb, live.App{
		Command: fleettest.AppCommand(), Env: map[string]string{fleettest.AppEnv: "1"},
		HealthPath: "/healthz", StartupTimeout: 20 * time.Second,
	}, vcpuFraction, nil)
	if err != nil {
		t.Fatal(err)
	}
	return drv, rb
}
