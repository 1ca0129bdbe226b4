package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/deploybench/deploybench/runtime/cgroup"
)

// shimPath is the shell that holds a v1 instance until it is inside its cgroup.
const shimPath = "/bin/sh"

// shimScript waits until deploybench has moved the shell into the instance's cgroup —
// it writes a line to fd 3 — and then execs the app, which keeps the pid and therefore
// the cgroup. If deploybench closes fd 3 without writing (the move failed), the shell
// exits without running the app. Cost: one shell start, about a millisecond.
const shimScript = `read -r _ <&3 || exit 111; exec 3<&-; exec "$@"`

// Start launches an instance: a free loopback port, the command with {port} replaced and
// PORT set, its own process group, its own cgroup with the CPU quota and memory limit
// where permitted, stdout and stderr to a log file. It returns once the process exists;
// ctx bounds only the start, not the instance's life (Stop and Close end that).
func (p *Process) Start(ctx context.Context, spec Spec) (Instance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(spec.Command) == 0 || spec.Command[0] == "" {
		return nil, fmt.Errorf("runtime: instance %q: command is empty (the process backend runs a command, not an image)", spec.Name)
	}
	if !(spec.VCPU > 0) {
		return nil, fmt.Errorf("runtime: instance %q: vcpu %v must be > 0", spec.Name, spec.VCPU)
	}
	if spec.MemoryMiB < 0 {
		return nil, fmt.Errorf("runtime: instance %q: memory %d MiB must be >= 0", spec.Name, spec.MemoryMiB)
	}
	path, err := exec.LookPath(spec.Command[0])
	if err != nil {
		return nil, fmt.Errorf("runtime: instance %q: command %q: %w", spec.Name, spec.Command[0], err)
	}

	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errors.New("runtime: backend is closed")
	}
	p.seq++
	name := spec.Name
	if name == "" {
		name = "instance"
	}
	id := fmt.Sprintf("%s-%d", cgroup.SafeName(name), p.seq)
	p.mu.Unlock()

	port, err := Ports.Get()
	if err != nil {
		return nil, err
	}
	in := &procInstance{
		p: p, id: id, spec: spec, port: port, done: make(chan struct{}),
		allowed: spec.VCPU, logPath: filepath.Join(p.dir, id+".log"),
	}
	if err := in.launch(path); err != nil {
		Ports.Release(port)
		return nil, err
	}
	go in.wait()
	p.mu.Lock()
	closed := p.closed
	if !closed {
		p.insts[id] = in
	}
	p.mu.Unlock()
	if closed { // Close ran while this instance was starting: it must not outlive Close
		_ = in.Stop(0)
		return nil, errors.New("runtime: backend is closed")
	}
	mem := "no memory limit"
	if spec.MemoryMiB > 0 {
		mem = fmt.Sprintf("%d MiB", spec.MemoryMiB)
	}
	p.logf("%s started: pid %d on %s, %g vCPU = %.3g host cores, %s, log %s",
		id, in.pid, in.Addr(), spec.VCPU, spec.VCPU*p.o.VCPUFraction, mem, in.logPath)
	return in, nil
}

// launch creates the cgroup and starts the process inside it.
func (in *procInstance) launch(path string) (err error) {
	p, spec := in.p, in.spec
	logf, err := os.OpenFile(in.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("runtime: instance %s: log: %w", in.id, err)
	}
	defer logf.Close() // the child has its own descriptor
	if len(spec.Labels) > 0 {
		keys := slices.Sorted(maps.Keys(spec.Labels))
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%s", k, spec.Labels[k])
		}
		fmt.Fprintf(logf, "# deploybench instance %s labels:%s\n", in.id, b.String())
	}

	if p.run != nil {
		g, err := p.run.NewGroup(in.id)
		if err != nil {
			return fmt.Errorf("runtime: instance %s: %w", in.id, err)
		}
		in.group = g
		defer func() {
			if err != nil {
				_ = g.Remove()
				in.group = nil
			}
		}()
		if err := g.SetCPU(spec.VCPU * p.o.VCPUFraction); err != nil {
			return fmt.Errorf("runtime: instance %s: %w", in.id, err)
		}
		if err := g.SetMemory(uint64(spec.MemoryMiB) << 20); err != nil {
			return fmt.Errorf("runtime: instance %s: %w", in.id, err)
		}
	}

	args := make([]string, len(spec.Command))
	for i, a := range spec.Command {
		args[i] = strings.ReplaceAll(a, "{port}", strconv.Itoa(in.port))
	}
	args[0] = path
	env := in.environ()

	// cgroup v2: clone straight into the group (race-free). If the kernel refuses
	// clone3 (old kernel, seccomp), fall back to the shim like v1.
	if in.group != nil && p.ver == cgroup.V2 {
		if fd, err := in.group.OpenFD(); err == nil {
			cmd := in.command(args, env, logf, int(fd.Fd()))
			err := cmd.Start()
			fd.Close()
			if err == nil {
				in.cmd, in.pid = cmd, cmd.Process.Pid
				return nil
			}
		}
	}
	if in.group == nil {
		cmd := in.command(args, env, logf, -1)
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("runtime: instance %s: start: %w", in.id, err)
		}
		in.cmd, in.pid = cmd, cmd.Process.Pid
		return nil
	}
	return in.launchShimmed(args, env, logf)
}

// launchShimmed starts the app behind the shell shim, moves it into its cgroup, then lets
// it exec the app. Without a shell it starts the app directly and moves it right after:
// then the app's first instructions (typically well under a millisecond of runtime
// start-up) run outside the limits, which changes no measurement that matters.
func (in *procInstance) launchShimmed(args, env []string, logf *os.File) error {
	if _, err := os.Stat(shimPath); err != nil {
		cmd := in.command(args, env, logf, -1)
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("runtime: instance %s: start: %w", in.id, err)
		}
		in.cmd, in.pid = cmd, cmd.Process.Pid
		if err := in.group.Add(in.pid); err != nil {
			_ = killGroup(in.pid)
			_ = cmd.Wait()
			return fmt.Errorf("runtime: instance %s: %w", in.id, err)
		}
		return nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("runtime: instance %s: %w", in.id, err)
	}
	defer w.Close()
	cmd := in.command(append([]string{shimPath, "-c", shimScript, "deploybench-shim"}, args...), env, logf, -1)
	cmd.ExtraFiles = []*os.File{r}
	err = cmd.Start()
	r.Close()
	if err != nil {
		return fmt.Errorf("runtime: instance %s: start: %w", in.id, err)
	}
	in.cmd, in.pid = cmd, cmd.Process.Pid
	if err := in.group.Add(in.pid); err != nil {
		w.Close() // the shim exits without running the app
		_ = cmd.Wait()
		return fmt.Errorf("runtime: instance %s: %w", in.id, err)
	}
	if _, err := w.Write([]byte("go\n")); err != nil {
		_ = killGroup(in.pid)
		_ = cmd.Wait()
		return fmt.Errorf("runtime: instance %s: release shim: %w", in.id, err)
	}
	return nil
}

// command builds the exec.Cmd of the app.
func (in *procInstance) command(args, env []string, logf *os.File, cgroupFD int) *exec.Cmd {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr(cgroupFD)
	return cmd
}

// environ is the app's environment: deploybench's own, PORT, GOMAXPROCS sized to the CPU
// allowance (a Go app would otherwise size its scheduler for the whole host), GOMEMLIMIT
// as the soft memory limit where no cgroup enforces one, then the Spec's Env, which wins.
func (in *procInstance) environ() []string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	env["PORT"] = strconv.Itoa(in.port)
	env["GOMAXPROCS"] = strconv.Itoa(gomaxprocs(in.spec.VCPU, in.p.o.VCPUFraction))
	delete(env, "GOMEMLIMIT")
	if in.group == nil && in.spec.MemoryMiB > 0 {
		env["GOMEMLIMIT"] = strconv.Itoa(in.spec.MemoryMiB) + "MiB"
	}
	delete(env, NoCgroupsEnv)
	maps.Copy(env, in.spec.Env)
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// gomaxprocs is ceil(vcpu × fraction) host cores, at least 1.
func gomaxprocs(vcpu, fraction float64) int {
	return max(1, int(math.Ceil(vcpu*fraction-1e-9)))
}

// waitTimeout bounds how long Stop waits for a killed process to be reaped.
const waitTimeout = 10 * time.Second
