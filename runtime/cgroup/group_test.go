package cgroup

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeHierarchy lays out plain directories shaped like a cgroup filesystem, so the file
// formats of both versions are tested on any machine.
func fakeHierarchy(t *testing.T, v Version) Hierarchy {
	t.Helper()
	root := t.TempDir()
	h := Hierarchy{Version: v, Parents: map[string]string{}}
	if v == V2 {
		for _, c := range v1Controllers {
			h.Parents[c] = root
		}
		h.Roots = []string{root}
		return h
	}
	for _, c := range v1Controllers {
		d := filepath.Join(root, c)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		h.Parents[c] = d
		h.Roots = append(h.Roots, d)
	}
	return h
}

func put(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFakeV2Group(t *testing.T) {
	h := fakeHierarchy(t, V2)
	run, err := h.NewRun("deploybench-test")
	if err != nil {
		t.Fatal(err)
	}
	root := h.Parents["cpu"]
	if got := get(t, root, "cgroup.subtree_control"); got != "+cpu +memory" {
		t.Errorf("root subtree_control = %q", got)
	}
	g, err := run.NewGroup("asg/1")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "deploybench-test", "asg_1")
	if g.Path() != dir {
		t.Errorf("Path = %q, want %q", g.Path(), dir)
	}
	if err := g.SetCPU(0.125); err != nil {
		t.Fatal(err)
	}
	if got := get(t, dir, "cpu.max"); got != "12500 100000" {
		t.Errorf("cpu.max = %q", got)
	}
	if err := g.SetCPU(0); err != nil {
		t.Fatal(err)
	}
	if got := get(t, dir, "cpu.max"); got != "max 100000" {
		t.Errorf("cpu.max = %q", got)
	}
	put(t, dir, "memory.swap.max", "max")
	if err := g.SetMemory(64 << 20); err != nil {
		t.Fatal(err)
	}
	if got := get(t, dir, "memory.max"); got != "67108864" {
		t.Errorf("memory.max = %q", got)
	}
	if got := get(t, dir, "memory.swap.max"); got != "0" {
		t.Errorf("memory.swap.max = %q", got)
	}
	put(t, dir, "cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n")
	put(t, dir, "memory.current", "10485760\n")
	put(t, dir, "memory.stat", "anon 8388608\ninactive_file 1048576\n")
	put(t, dir, "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n")
	st, err := g.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{CPU: 2500 * time.Millisecond, MemoryBytes: 9 << 20, OOMKills: 1, OOMCounted: true, LimitHits: 4}
	if st != want {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}
	f, err := g.OpenFD()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := g.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := run.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "deploybench-test")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("run dir still there: %v", err)
	}
}

func TestFakeV1Group(t *testing.T) {
	h := fakeHierarchy(t, V1)
	run, err := h.NewRun("deploybench-test")
	if err != nil {
		t.Fatal(err)
	}
	g, err := run.NewGroup("i-1")
	if err != nil {
		t.Fatal(err)
	}
	cpu := filepath.Join(h.Parents["cpu"], "deploybench-test", "i-1")
	acct := filepath.Join(h.Parents["cpuacct"], "deploybench-test", "i-1")
	mem := filepath.Join(h.Parents["memory"], "deploybench-test", "i-1")
	put(t, cpu, "cpu.cfs_period_us", "50000\n")
	if err := g.SetCPU(0.5); err != nil {
		t.Fatal(err)
	}
	if got := get(t, cpu, "cpu.cfs_quota_us"); got != "25000" {
		t.Errorf("quota = %q, want 25000 (half of a 50 ms period)", got)
	}
	if err := g.SetCPU(0.001); err != nil {
		t.Fatal(err)
	}
	if got := get(t, cpu, "cpu.cfs_quota_us"); got != "1000" {
		t.Errorf("quota = %q, want the 1 ms kernel minimum", got)
	}
	put(t, mem, "memory.memsw.limit_in_bytes", "-1")
	if err := g.SetMemory(128 << 20); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"memory.limit_in_bytes", "memory.memsw.limit_in_bytes"} {
		if got := get(t, mem, f); got != "134217728" {
			t.Errorf("%s = %q", f, got)
		}
	}
	if err := g.Add(4242); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{cpu, acct, mem} {
		if got := get(t, d, "cgroup.procs"); got != "4242" {
			t.Errorf("%s/cgroup.procs = %q", d, got)
		}
	}
	put(t, acct, "cpuacct.usage", "1500000000\n")
	put(t, mem, "memory.usage_in_bytes", "4194304\n")
	put(t, mem, "memory.stat", "cache 0\ntotal_inactive_file 1048576\n")
	put(t, mem, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
	put(t, mem, "memory.failcnt", "7\n")
	st, err := g.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{CPU: 1500 * time.Millisecond, MemoryBytes: 3 << 20, OOMKills: 2, OOMCounted: true, LimitHits: 7}
	if st != want {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}
	if _, err := g.OpenFD(); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("OpenFD on v1: %v, want ErrUnsupported", err)
	}
	if err := run.Remove(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{cpu, acct, mem} {
		if _, err := os.Stat(filepath.Dir(d)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there", filepath.Dir(d))
		}
	}
}

// realHierarchy returns this machine's hierarchy, or skips when groups cannot be made.
func realHierarchy(t *testing.T) Hierarchy {
	t.Helper()
	if os.Getenv("DEPLOYBENCH_NO_CGROUPS") == "1" {
		t.Skip("skipping real cgroup test: DEPLOYBENCH_NO_CGROUPS=1")
	}
	h, err := Detect()
	if err != nil {
		t.Skipf("skipping real cgroup test: %v", err)
	}
	probe, err := h.NewRun(fmt.Sprintf("deploybench-probe-%d", os.Getpid()))
	if err != nil {
		t.Skipf("skipping real cgroup test: cannot create groups: %v", err)
	}
	if err := probe.Remove(); err != nil {
		t.Fatal(err)
	}
	return h
}

// sleeper starts a child that would run for a minute unless killed.
func sleeper(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Skipf("skipping: cannot start sleep: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

func TestRealGroup(t *testing.T) {
	h := realHierarchy(t)
	run, err := h.NewRun(fmt.Sprintf("deploybench-test-%d", os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	defer run.Remove()
	g, err := run.NewGroup("i-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.SetCPU(0.25); err != nil {
		t.Fatal(err)
	}
	if err := g.SetMemory(64 << 20); err != nil {
		t.Fatal(err)
	}
	cmd := sleeper(t)
	if err := g.Add(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	procs, err := g.Procs()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(procs, cmd.Process.Pid) {
		t.Errorf("Procs = %v, want %d in it", procs, cmd.Process.Pid)
	}
	st, err := g.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.OOMKills != 0 {
		t.Errorf("OOMKills = %d for a sleeping process", st.OOMKills)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if err := g.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("sleep ended with %v, want killed", err)
	}
	if err := g.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(g.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("group dir still there: %v", err)
	}
	if err := run.Remove(); err != nil {
		t.Fatal(err)
	}
	for _, d := range h.Dirs() {
		if _, err := os.Stat(filepath.Join(d, run.Name())); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("run dir in %s still there", d)
		}
	}
}

func TestGC(t *testing.T) {
	h := realHierarchy(t)
	prefix := fmt.Sprintf("deploybench-gctest%d-", os.Getpid())
	stale, err := h.NewRun(prefix + "dead")
	if err != nil {
		t.Fatal(err)
	}
	live, err := h.NewRun(prefix + "live")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Remove()
	g, err := stale.NewGroup("i-1")
	if err != nil {
		t.Fatal(err)
	}
	cmd := sleeper(t)
	if err := g.Add(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	removed, err := h.GC(prefix, func(name string) bool { return strings.HasSuffix(name, "dead") })
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != len(h.Dirs()) {
		t.Errorf("removed %v, want one run dir per hierarchy (%d)", removed, len(h.Dirs()))
	}
	for _, p := range removed {
		if !strings.HasSuffix(p, prefix+"dead") {
			t.Errorf("removed %s, which is not the stale run", p)
		}
	}
	<-done // the leftover process was killed
	for _, d := range h.Dirs() {
		if _, err := os.Stat(filepath.Join(d, prefix+"live")); err != nil {
			t.Errorf("live run removed: %v", err)
		}
	}
}

func TestFakeGC(t *testing.T) {
	h := fakeHierarchy(t, V2)
	for _, n := range []string{"deploybench-1-a", "deploybench-2-b", "other"} {
		run, err := h.NewRun(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.NewGroup("i-1"); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := h.GC("deploybench-", func(name string) bool { return name == "deploybench-1-a" })
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || filepath.Base(removed[0]) != "deploybench-1-a" {
		t.Errorf("removed %v", removed)
	}
	root := h.Parents["cpu"]
	for n, want := range map[string]bool{"deploybench-1-a": false, "deploybench-2-b": true, "other": true} {
		_, err := os.Stat(filepath.Join(root, n))
		if (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", n, err == nil, want)
		}
	}
}

// BenchmarkGroupLifecycle measures what an instance start and stop cost in cgroup
// files: create the group, set CPU and memory, read stats once, remove it.
func BenchmarkGroupLifecycle(b *testing.B) {
	h, err := Detect()
	if err != nil {
		b.Skipf("skipping: %v", err)
	}
	run, err := h.NewRun(fmt.Sprintf("deploybench-bench-%d", os.Getpid()))
	if err != nil {
		b.Skipf("skipping: cannot create groups: %v", err)
	}
	defer run.Remove()
	i := 0
	for b.Loop() {
		i++
		g, err := run.NewGroup(fmt.Sprintf("i-%d", i))
		if err != nil {
			b.Fatal(err)
		}
		if err := g.SetCPU(0.25); err != nil {
			b.Fatal(err)
		}
		if err := g.SetMemory(256 << 20); err != nil {
			b.Fatal(err)
		}
		if _, err := g.Stats(); err != nil {
			b.Fatal(err)
		}
		if err := g.Remove(); err != nil {
			b.Fatal(err)
		}
	}
}
