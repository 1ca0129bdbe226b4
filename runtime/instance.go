package runtime

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/deploybench/deploybench/runtime/cgroup"
)

// procInstance is one app process (group) of the process backend.
type procInstance struct {
	p       *Process
	id      string
	spec    Spec
	port    int
	logPath string
	cmd     *exec.Cmd
	pid     int
	group   cgroup.Group // nil without cgroups
	done    chan struct{}

	mu         sync.Mutex
	allowed    float64 // current vCPU allowance
	reason     string  // set once the process exited
	final      Usage   // last sample, taken as the process exited
	killedByUs bool    // Stop sent SIGKILL: a SIGKILL exit is not an OOM kill
	stopped    bool
	stopErr    error
	stopDone   chan struct{}
}

var _ Instance = (*procInstance)(nil)

func (in *procInstance) ID() string   { return in.id }
func (in *procInstance) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(in.port)) }

// PID is the process (group) id of the app.
func (in *procInstance) PID() int { return in.pid }

// LogPath is the file receiving the app's stdout and stderr.
func (in *procInstance) LogPath() string { return in.logPath }

// CgroupPath is the instance's cgroup directory, "" without cgroups.
func (in *procInstance) CgroupPath() string {
	if in.group == nil {
		return ""
	}
	return in.group.Path()
}

func (in *procInstance) Done() <-chan struct{} { return in.done }

func (in *procInstance) ExitReason() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.reason
}

// wait reaps the app, works out why it exited, kills whatever it left in its group and
// removes its cgroup. The port stays reserved until Stop, so that a load balancer still
// holding the old address never reaches a new instance by mistake.
func (in *procInstance) wait() {
	err := in.cmd.Wait()
	// Leftovers: children that outlived the leader, in its process group or its cgroup.
	_ = killGroup(in.pid)
	var st cgroup.Stats
	var stErr error
	if in.group != nil {
		_ = in.group.Kill()
		st, stErr = in.group.Stats()
	}
	in.mu.Lock()
	u := in.final
	u.At = time.Now()
	if in.group != nil && stErr == nil {
		u.CPUSeconds, u.MemoryBytes = st.CPU.Seconds(), 0
	} else if ps := in.cmd.ProcessState; ps != nil {
		u.CPUSeconds = max(u.CPUSeconds, (ps.UserTime() + ps.SystemTime()).Seconds())
		u.MemoryBytes = 0
	}
	in.final = in.fill(u)
	in.reason = exitReason(err, in.cmd.ProcessState, st, in.killedByUs)
	reason := in.reason
	in.mu.Unlock()
	if in.group != nil {
		if err := in.group.Remove(); err != nil {
			in.p.logf("%s: %v", in.id, err)
		}
	}
	in.p.logf("%s exited: %s", in.id, reason)
	close(in.done)
}

// exitReason describes an exit the way ECS reports a stopped container: the exit code,
// and "OutOfMemory" when the kernel killed it at its memory limit.
func exitReason(waitErr error, ps *os.ProcessState, st cgroup.Stats, killedByUs bool) string {
	if ps == nil {
		return fmt.Sprintf("unknown (%v)", waitErr)
	}
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return "exit " + strconv.Itoa(ps.ExitCode())
	}
	sig := ws.Signal()
	code := 128 + int(sig)
	// The OOM killer sends SIGKILL and counts it in oom_kill. Older v1 kernels (before
	// 4.13) only show that the limit was hit, which with a SIGKILL we did not send is the
	// best evidence left.
	oom := st.OOMKills > 0
	if !st.OOMCounted {
		oom = !killedByUs && st.LimitHits > 0
	}
	if sig == syscall.SIGKILL && oom {
		return fmt.Sprintf("OutOfMemory (exit %d)", code)
	}
	return fmt.Sprintf("signal %s (exit %d)", sig, code)
}

// fill completes a Usage with the instance's allowance figures.
func (in *procInstance) fill(u Usage) Usage {
	u.VCPU, u.AllowedVCPU, u.VCPUFraction = in.spec.VCPU, in.allowed, in.p.o.VCPUFraction
	return u
}

// Usage samples cumulative CPU and current memory: from the cgroup, or summed over the
// process group from /proc without cgroups. After exit it returns the last sample.
func (in *procInstance) Usage() (Usage, error) {
	select {
	case <-in.done:
		in.mu.Lock()
		defer in.mu.Unlock()
		return in.final, nil
	default:
	}
	u := Usage{At: time.Now()}
	if in.group != nil {
		st, err := in.group.Stats()
		if err != nil {
			return Usage{}, fmt.Errorf("runtime: instance %s: %w", in.id, err)
		}
		u.CPUSeconds, u.MemoryBytes = st.CPU.Seconds(), st.MemoryBytes
	} else {
		cpu, rss, err := groupUsage("/proc", in.pid)
		if err != nil {
			return Usage{}, fmt.Errorf("runtime: instance %s: %w", in.id, err)
		}
		u.CPUSeconds, u.MemoryBytes = cpu, rss
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	// Keep the latest sample: after exit the leader's own counters may be all that is left.
	in.final = in.fill(u)
	return in.final, nil
}

// SetVCPU changes the CPU quota to vcpu emulated vCPUs. Without cgroups it only records
// the allowance (nothing enforces it). It does nothing once the app has exited.
func (in *procInstance) SetVCPU(vcpu float64) error {
	if !(vcpu > 0) {
		return fmt.Errorf("runtime: instance %s: vcpu %v must be > 0", in.id, vcpu)
	}
	select {
	case <-in.done:
		return nil
	default:
	}
	in.mu.Lock()
	in.allowed = vcpu
	in.mu.Unlock()
	if in.group == nil {
		return nil
	}
	if err := in.group.SetCPU(vcpu * in.p.o.VCPUFraction); err != nil {
		return fmt.Errorf("runtime: instance %s: %w", in.id, err)
	}
	return nil
}

// Stop sends SIGTERM to the app's process group, waits up to grace for it to exit, then
// kills the group and everything in its cgroup, waits for the exit, and releases the
// port. It is safe to call more than once and after the app exited by itself.
func (in *procInstance) Stop(grace time.Duration) error {
	in.mu.Lock()
	if in.stopped {
		ch := in.stopDone
		in.mu.Unlock()
		<-ch
		return in.stopErr
	}
	in.stopped = true
	in.stopDone = make(chan struct{})
	in.mu.Unlock()
	defer close(in.stopDone)

	select {
	case <-in.done:
	default:
		_ = syscall.Kill(-in.pid, syscall.SIGTERM)
		t := time.NewTimer(grace)
		select {
		case <-in.done:
			t.Stop()
		case <-t.C:
			in.mu.Lock()
			in.killedByUs = true
			in.mu.Unlock()
			_ = killGroup(in.pid)
			if in.group != nil {
				_ = in.group.Kill()
			}
			select {
			case <-in.done:
			case <-time.After(waitTimeout):
				in.stopErr = fmt.Errorf("runtime: instance %s (pid %d) did not exit %v after SIGKILL", in.id, in.pid, waitTimeout)
			}
		}
	}
	Ports.Release(in.port)
	in.p.forget(in.id)
	in.p.logf("%s stopped", in.id)
	return in.stopErr
}

// killGroup sends SIGKILL to a process group.
func killGroup(pgid int) error { return syscall.Kill(-pgid, syscall.SIGKILL) }
