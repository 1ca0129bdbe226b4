package runtime

import (
	"os/exec"
	"syscall"
	"testing"

	"github.com/deploybench/deploybench/runtime/cgroup"
)

// signalled returns the ProcessState of a child killed by sig.
func signalled(t *testing.T, sig syscall.Signal) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("skipping: %v", err)
	}
	_ = cmd.Process.Signal(sig)
	_ = cmd.Wait()
	return cmd
}

func TestExitReason(t *testing.T) {
	exit3 := exec.Command("sh", "-c", "exit 3")
	_ = exit3.Run()
	killed := signalled(t, syscall.SIGKILL)
	termed := signalled(t, syscall.SIGTERM)
	tests := []struct {
		name string
		cmd  *exec.Cmd
		st   cgroup.Stats
		byUs bool
		want string
	}{
		{"exit code", exit3, cgroup.Stats{}, false, "exit 3"},
		{"terminated", termed, cgroup.Stats{}, false, "signal terminated (exit 143)"},
		{"killed", killed, cgroup.Stats{OOMCounted: true, LimitHits: 9}, false, "signal killed (exit 137)"},
		{"oom counted", killed, cgroup.Stats{OOMCounted: true, OOMKills: 1}, false, "OutOfMemory (exit 137)"},
		{"old kernel, limit hit", killed, cgroup.Stats{LimitHits: 3}, false, "OutOfMemory (exit 137)"},
		{"old kernel, we killed it", killed, cgroup.Stats{LimitHits: 3}, true, "signal killed (exit 137)"},
		{"oom kill of a child, leader exited", exit3, cgroup.Stats{OOMCounted: true, OOMKills: 1}, false, "exit 3"},
	}
	for _, tt := range tests {
		if got := exitReason(nil, tt.cmd.ProcessState, tt.st, tt.byUs); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
