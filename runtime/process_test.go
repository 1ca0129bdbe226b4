package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a goroutine-safe progress log for tests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newBackend returns a process backend closed at the end of the test; with cgroups it
// skips the test where they cannot be used.
func newBackend(t *testing.T, cgroups bool) *Process {
	t.Helper()
	p, err := NewProcess(ProcessOptions{NoCgroups: !cgroups, TempRoot: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if cgroups && !p.Cgroups() {
		t.Skipf("skipping: needs cgroups (root and a writable cgroup filesystem): %s", p.Limits())
	}
	return p
}

// helperSpec is a Spec that runs the helper server with extra environment.
func helperSpec(name string, vcpu float64, memMiB int, env ...string) Spec {
	e := map[string]string{helperEnv: "server"}
	for i := 0; i+1 < len(env); i += 2 {
		e[env[i]] = env[i+1]
	}
	return Spec{Name: name, Command: helperCommand(), Env: e, HealthPath: "/healthz", VCPU: vcpu, MemoryMiB: memMiB}
}

// startReady starts an instance and waits until it is ready.
func startReady(t *testing.T, p *Process, spec Spec) *procInstance {
	t.Helper()
	inst, err := p.Start(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := inst.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return inst.(*procInstance)
}

// fetch GETs a path of an instance and returns the body.
func fetch(t *testing.T, addr, path string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	return string(b)
}

// waitGone polls until pid no longer exists (or is a zombie), failing after a deadline.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still alive", pid)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition with a deadline
	}
}

func portFree(t *testing.T, addr string) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Errorf("port %s not free after Stop: %v", addr, err)
		return
	}
	l.Close()
}

func TestStartReadyStop(t *testing.T) {
	for _, cg := range []bool{true, false} {
		t.Run(fmt.Sprintf("cgroups=%v", cg), func(t *testing.T) {
			t.Parallel()
			p := newBackend(t, cg)
			in := startReady(t, p, helperSpec("web", 2, 256))
			addr := in.Addr()
			if !strings.HasPrefix(addr, "127.0.0.1:") {
				t.Errorf("Addr = %q, want 127.0.0.1:port", addr)
			}
			if got := fetch(t, addr, "/env?k=PORT"); got != strconv.Itoa(in.port) {
				t.Errorf("PORT = %q, want %d", got, in.port)
			}
			if got := fetch(t, addr, "/env?k=GOMAXPROCS"); got != "1" {
				t.Errorf("GOMAXPROCS = %q, want ceil(2 × 0.25) = 1", got)
			}
			wantMemLimit := ""
			if !cg {
				wantMemLimit = "256MiB"
			}
			if got := fetch(t, addr, "/env?k=GOMEMLIMIT"); got != wantMemLimit {
				t.Errorf("GOMEMLIMIT = %q, want %q", got, wantMemLimit)
			}
			grandchild, err := strconv.Atoi(fetch(t, addr, "/spawn"))
			if err != nil {
				t.Fatal(err)
			}
			u, err := in.Usage()
			if err != nil {
				t.Fatal(err)
			}
			if u.MemoryBytes == 0 || u.VCPU != 2 || u.AllowedVCPU != 2 || u.VCPUFraction != DefaultVCPUFraction {
				t.Errorf("Usage = %+v", u)
			}
			if (in.CgroupPath() != "") != cg {
				t.Errorf("CgroupPath = %q with cgroups=%v", in.CgroupPath(), cg)
			}
			if err := in.Stop(5 * time.Second); err != nil {
				t.Fatal(err)
			}
			if got := in.ExitReason(); got != "exit 0" {
				t.Errorf("ExitReason = %q, want exit 0 (graceful SIGTERM)", got)
			}
			waitGone(t, in.PID())
			waitGone(t, grandchild)
			portFree(t, addr)
			if cg {
				if _, err := os.Stat(in.CgroupPath()); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("cgroup %s left after Stop: %v", in.CgroupPath(), err)
				}
			}
			if err := in.Stop(time.Second); err != nil {
				t.Errorf("second Stop: %v", err)
			}
		})
	}
}

// TestCPUQuota: an instance of 0.5 emulated vCPU (0.125 host cores at the default
// fraction) that wants two whole cores gets about its allowance and not more. Not
// parallel: other tests' processes would compete for the CPU it measures.
func TestCPUQuota(t *testing.T) {
	p := newBackend(t, true)
	spec := helperSpec("burner", 0.5, 0, "GOMAXPROCS", "2")
	in := startReady(t, p, spec)
	u0, err := in.Usage()
	if err != nil {
		t.Fatal(err)
	}
	// A loaded machine may not even give the instance its small allowance for a while, so
	// up to three measurements are taken; enforcement (never above the quota) must hold in
	// every one of them.
	var util float64
	for attempt := 1; attempt <= 3; attempt++ {
		fetch(t, in.Addr(), "/burn?d=2s&n=2")
		u1, err := in.Usage()
		if err != nil {
			t.Fatal(err)
		}
		util = Utilisation(u0, u1)
		t.Logf("attempt %d: 0.5 vCPU × %g = %.3g cores: used %.3f CPU-s in %v = %.0f %% of the allowance", attempt,
			p.VCPUFraction(), 0.5*p.VCPUFraction(), u1.CPUSeconds-u0.CPUSeconds, u1.At.Sub(u0.At).Round(time.Millisecond), util)
		if util > 130 {
			t.Fatalf("utilisation %.0f %% of the allowance: the quota is not enforced", util)
		}
		if util >= 50 {
			return
		}
		u0 = u1
	}
	t.Errorf("utilisation %.0f %% of the allowance under saturation, want near 100 %%", util)
}

// TestCPUMeasuredWithoutCgroups: the /proc fallback measures CPU summed over the group.
func TestCPUMeasuredWithoutCgroups(t *testing.T) {
	p := newBackend(t, false)
	in := startReady(t, p, helperSpec("burner", 1, 0))
	u0, err := in.Usage()
	if err != nil {
		t.Fatal(err)
	}
	fetch(t, in.Addr(), "/burn?d=500ms&n=1")
	u1, err := in.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if d := u1.CPUSeconds - u0.CPUSeconds; d <= 0.01 {
		t.Errorf("CPU used by a 500 ms burn: %.3f s, want > 0.01", d)
	}
	if Utilisation(u0, u1) <= 0 {
		t.Errorf("utilisation %v", Utilisation(u0, u1))
	}
}

func TestOutOfMemory(t *testing.T) {
	t.Parallel()
	p := newBackend(t, true)
	in := startReady(t, p, helperSpec("hungry", 1, 96))
	resp, err := http.Get("http://" + in.Addr() + "/alloc?mb=400")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("allocating 400 MiB under a 96 MiB limit answered %s", resp.Status)
	}
	select {
	case <-in.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("instance still running after blowing its memory limit")
	}
	if got := in.ExitReason(); got != "OutOfMemory (exit 137)" {
		t.Errorf("ExitReason = %q, want OutOfMemory (exit 137)", got)
	}
	if _, err := os.Stat(in.CgroupPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cgroup left after the OOM exit: %v", err)
	}
}

// TestStopKillsStubbornApp: an app that ignores SIGTERM is killed after the grace, and
// that SIGKILL is not mistaken for an OOM kill.
func TestStopKillsStubbornApp(t *testing.T) {
	for _, cg := range []bool{true, false} {
		t.Run(fmt.Sprintf("cgroups=%v", cg), func(t *testing.T) {
			t.Parallel()
			p := newBackend(t, cg)
			in := startReady(t, p, helperSpec("stubborn", 1, 0, helperIgnoreTerm, "1"))
			if err := in.Stop(100 * time.Millisecond); err != nil {
				t.Fatal(err)
			}
			if got := in.ExitReason(); got != "signal killed (exit 137)" {
				t.Errorf("ExitReason = %q, want signal killed (exit 137)", got)
			}
			waitGone(t, in.PID())
		})
	}
}

func TestExitBeforeReady(t *testing.T) {
	t.Parallel()
	p := newBackend(t, false)
	inst, err := p.Start(context.Background(), helperSpec("broken", 1, 0, helperFailStart, "1"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = inst.WaitReady(ctx)
	if err == nil || !strings.Contains(err.Error(), "exit 3") || !strings.Contains(err.Error(), "boom: model file missing") {
		t.Errorf("WaitReady = %v, want the exit code and the log's last line", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans lines: %q", err)
	}
}

// TestWaitReadyContext: a never-ready app makes WaitReady return the context's error.
func TestWaitReadyContext(t *testing.T) {
	t.Parallel()
	p := newBackend(t, false)
	spec := helperSpec("slow", 1, 0)
	spec.HealthPath = "/missing" // 404 forever
	inst, err := p.Start(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := inst.WaitReady(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitReady = %v, want DeadlineExceeded", err)
	}
}

// TestCloseAfterCancel: a cancelled run's Close leaves no process, cgroup or log dir.
func TestCloseAfterCancel(t *testing.T) {
	for _, cg := range []bool{true, false} {
		t.Run(fmt.Sprintf("cgroups=%v", cg), func(t *testing.T) {
			t.Parallel()
			var log syncBuffer
			p, err := NewProcess(ProcessOptions{NoCgroups: !cg, TempRoot: t.TempDir(), Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			if cg && !p.Cgroups() {
				p.Close()
				t.Skipf("skipping: needs cgroups: %s", p.Limits())
			}
			ctx, cancel := context.WithCancel(context.Background())
			var ins []*procInstance
			for i := range 2 {
				inst, err := p.Start(ctx, helperSpec("c", 1, 0, helperIgnoreTerm, strconv.Itoa(i))) // the second ignores SIGTERM
				if err != nil {
					t.Fatal(err)
				}
				if err := inst.WaitReady(ctx); err != nil {
					t.Fatal(err)
				}
				ins = append(ins, inst.(*procInstance))
			}
			cancel()
			if _, err := p.Start(ctx, helperSpec("late", 1, 0)); !errors.Is(err, context.Canceled) {
				t.Errorf("Start after cancel = %v, want context.Canceled", err)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			for _, in := range ins {
				waitGone(t, in.PID())
				portFree(t, in.Addr())
				if in.CgroupPath() != "" {
					if _, err := os.Stat(filepath.Dir(in.CgroupPath())); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("run cgroup %s left after Close", filepath.Dir(in.CgroupPath()))
					}
				}
			}
			if _, err := os.Stat(p.LogDir()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("log dir left after Close: %v", err)
			}
			if _, err := p.Start(context.Background(), helperSpec("closed", 1, 0)); err == nil {
				t.Error("Start after Close succeeded")
			}
			for _, want := range []string{"c-1 started: pid", "c-2 exited: signal killed (exit 137)", "c-1 stopped"} {
				if !strings.Contains(log.String(), want) {
					t.Errorf("progress log lacks %q:\n%s", want, log.String())
				}
			}
		})
	}
}

// TestNoCgroupsEnv: DEPLOYBENCH_NO_CGROUPS=1 forces the fallback and Limits says so.
func TestNoCgroupsEnv(t *testing.T) {
	t.Setenv(NoCgroupsEnv, "1")
	p, err := NewProcess(ProcessOptions{TempRoot: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	want := "no cgroups (disabled by DEPLOYBENCH_NO_CGROUPS=1): CPU limited by GOMAXPROCS only, not enforced"
	if p.Cgroups() || !strings.HasPrefix(p.Limits(), want) {
		t.Errorf("Limits = %q, want it to start with %q", p.Limits(), want)
	}
	in := startReady(t, p, helperSpec("fallback", 4, 128))
	if got := fetch(t, in.Addr(), "/env?k="+NoCgroupsEnv); got != "" {
		t.Errorf("the app inherited %s=%q", NoCgroupsEnv, got)
	}
	if err := in.SetVCPU(0.4); err != nil {
		t.Errorf("SetVCPU without cgroups: %v", err)
	}
	if u, err := in.Usage(); err != nil || u.AllowedVCPU != 0.4 {
		t.Errorf("Usage after SetVCPU = %+v, %v", u, err)
	}
}

// TestSetVCPU: lowering the allowance (a burstable instance out of credits, held to a
// 20 % baseline of 2 vCPU) caps the CPU at the new quota; utilisation stays relative to
// the full 2 vCPU, as CloudWatch shows it. Not parallel: it measures CPU.
func TestSetVCPU(t *testing.T) {
	p := newBackend(t, true)
	in := startReady(t, p, helperSpec("burst", 2, 0, "GOMAXPROCS", "2"))
	if err := in.SetVCPU(0.4); err != nil {
		t.Fatal(err)
	}
	u0, err := in.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if u0.AllowedVCPU != 0.4 || u0.VCPU != 2 {
		t.Errorf("Usage = %+v, want allowance 0.4 of 2 vCPU", u0)
	}
	fetch(t, in.Addr(), "/burn?d=1500ms&n=2")
	u1, err := in.Usage()
	if err != nil {
		t.Fatal(err)
	}
	util := Utilisation(u0, u1)
	t.Logf("held to 0.4 of 2 vCPU: %.1f %% of the full allowance (baseline 20 %%)", util)
	if util > 20*1.3 || util < 20*0.5 {
		t.Errorf("utilisation %.1f %%, want about the 20 %% baseline", util)
	}
	if err := in.SetVCPU(0); err == nil {
		t.Error("SetVCPU(0) accepted")
	}
}

func TestStartErrors(t *testing.T) {
	p := newBackend(t, false)
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"no command", Spec{Name: "a", VCPU: 1}, `instance "a": command is empty`},
		{"no vcpu", Spec{Name: "b", Command: []string{"true"}}, `instance "b": vcpu 0 must be > 0`},
		{"negative memory", Spec{Name: "c", Command: []string{"true"}, VCPU: 1, MemoryMiB: -1}, "memory -1 MiB"},
		{"unknown command", Spec{Name: "d", Command: []string{"no-such-command-here"}, VCPU: 1}, `command "no-such-command-here"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Start(context.Background(), tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Start = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if _, err := NewProcess(ProcessOptions{VCPUFraction: -1}); err == nil {
		t.Error("negative vCPU fraction accepted")
	}
}

// TestConcurrentStarts: instances started at once get distinct ports and all serve.
func TestConcurrentStarts(t *testing.T) {
	t.Parallel()
	p := newBackend(t, false)
	const n = 4
	ins := make([]*procInstance, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { ins[i] = startReady(t, p, helperSpec("many", 1, 0)) })
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, in := range ins {
		if in == nil {
			t.FailNow()
		}
		if seen[in.Addr()] {
			t.Errorf("port %s handed out twice", in.Addr())
		}
		seen[in.Addr()] = true
		fetch(t, in.Addr(), "/healthz")
	}
}
