package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/deploybench/deploybench/runtime/cgroup"
)

// deadPID returns the pid of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestRunIsDead(t *testing.T) {
	dead := deadPID(t)
	tests := []struct {
		name string
		want bool
	}{
		{RunPrefix + strconv.Itoa(dead) + "-abc", true},
		{RunPrefix + strconv.Itoa(os.Getpid()) + "-abc", false},
		{RunPrefix + "notapid-abc", false},
		{RunPrefix + strconv.Itoa(dead), false}, // not our pattern
		{"other-" + strconv.Itoa(dead) + "-abc", false},
	}
	for _, tt := range tests {
		if got := runIsDead(RunPrefix, tt.name); got != tt.want {
			t.Errorf("runIsDead(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestGC: the leftover group of a dead run goes, with its processes; a live run stays.
func TestGC(t *testing.T) {
	t.Parallel()
	p := newBackend(t, true) // a live run
	live := startReady(t, p, helperSpec("live", 1, 0))
	h, err := cgroup.Detect()
	if err != nil {
		t.Fatal(err)
	}
	leftover, err := h.NewRun(fmt.Sprintf("%s%d-gctest", RunPrefix, deadPID(t)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := leftover.NewGroup("orphan-1")
	if err != nil {
		t.Fatal(err)
	}
	orphan := exec.Command(os.Args[0])
	orphan.Env = append(os.Environ(), helperEnv+"=sleep")
	if err := orphan.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- orphan.Wait() }()
	if err := g.Add(orphan.Process.Pid); err != nil {
		t.Fatal(err)
	}

	removed, err := GC(RunPrefix)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range removed {
		if filepath.Base(r) == leftover.Name() {
			found++
		}
	}
	if found != len(h.Dirs()) {
		t.Errorf("GC removed %v, want %s in each of %v", removed, leftover.Name(), h.Dirs())
	}
	<-done // the orphan was killed
	if _, err := os.Stat(g.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover group still there: %v", err)
	}
	if _, err := os.Stat(live.CgroupPath()); err != nil {
		t.Errorf("GC touched a live run: %v", err)
	}
	fetch(t, live.Addr(), "/healthz")
	if _, err := GC(""); err == nil {
		t.Error("GC with an empty prefix accepted")
	}
	_ = context.Background
}

func TestGCLogDirs(t *testing.T) {
	root := t.TempDir()
	dead := strconv.Itoa(deadPID(t))
	dirs := map[string]bool{ // name → should remain
		RunPrefix + dead + "-aaaa":                     false,
		RunPrefix + dead + "-kept":                     true,
		RunPrefix + strconv.Itoa(os.Getpid()) + "-ccc": true,
		"unrelated-" + dead + "-x":                     true,
	}
	for name := range dirs {
		if err := os.MkdirAll(filepath.Join(root, name), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(root, name, "i-1.log"), []byte("log\n"), 0o644)
	}
	os.WriteFile(filepath.Join(root, RunPrefix+dead+"-kept", keepMarker), nil, 0o644)
	removed, err := gcLogDirs(root, RunPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || filepath.Base(removed[0]) != RunPrefix+dead+"-aaaa" {
		t.Errorf("removed %v", removed)
	}
	for name, remain := range dirs {
		if _, err := os.Stat(filepath.Join(root, name)); (err == nil) != remain {
			t.Errorf("%s: exists %v, want %v", name, err == nil, remain)
		}
	}
}

// TestKeepLogs: with KeepLogs the log directory survives Close, marked for GC to keep.
func TestKeepLogs(t *testing.T) {
	p, err := NewProcess(ProcessOptions{NoCgroups: true, TempRoot: t.TempDir(), KeepLogs: true, RunID: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	in := startReady(t, p, helperSpec("logged", 1, 0))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p.LogDir()) != RunPrefix+strconv.Itoa(os.Getpid())+"-kept" {
		t.Errorf("log dir %s is not named like the run", p.LogDir())
	}
	for _, f := range []string{in.LogPath(), filepath.Join(p.LogDir(), keepMarker)} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("after Close with KeepLogs: %v", err)
		}
	}
}
