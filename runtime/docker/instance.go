package docker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/deploybench/deploybench/runtime"
)

// engineTimeout bounds one engine call made outside a caller's context (stats, stop,
// remove, inspect after exit).
const engineTimeout = 30 * time.Second

// instance is one container.
type instance struct {
	b          *Backend
	id         string
	cid        string
	spec       runtime.Spec
	port       int
	apiPort    int // the Lambda Runtime API's port behind the emulator; 0 without one
	image      string
	imageBytes int64
	cg         cgroupFiles // the container's accounting files, if cgOK
	cgOK       bool
	startedAt  time.Time     // when Start began (image inspect)
	created    time.Duration // image inspect + create + start, as the engine took them
	done       chan struct{}

	mu         sync.Mutex
	allowed    float64
	ready      time.Duration // Start began → first healthy probe
	reason     string
	final      runtime.Usage
	killedByUs bool
	stopped    bool
	stopErr    error
	stopDone   chan struct{}
}

var _ runtime.Instance = (*instance)(nil)

// ID is unique within the backend, e.g. "asg-3-7".
func (in *instance) ID() string { return in.id }

// ContainerID is the engine's id of the container.
func (in *instance) ContainerID() string { return in.cid }

// Done is closed when the container has exited.
func (in *instance) Done() <-chan struct{} { return in.done }

// ExitReason is "exit N", "OutOfMemory (exit 137)" or "signal killed (exit 137)"; empty
// while running.
func (in *instance) ExitReason() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.reason
}

// Startup is the measured part of an instance's start-up.
type Startup struct {
	// ImageBytes is the image's size as the engine reports it (its unpacked layers).
	ImageBytes int64
	// Create is image inspect + container create + start, as long as the engine took.
	Create time.Duration
	// Ready is from the start of Start to the first healthy probe (0 until then); the
	// app's own start is Ready − Create.
	Ready time.Duration
}

// Startup returns the measured start-up split.
func (in *instance) Startup() Startup {
	in.mu.Lock()
	defer in.mu.Unlock()
	return Startup{ImageBytes: in.imageBytes, Create: in.created, Ready: in.ready}
}

// watch waits for the container to exit, then records why and its last usage.
func (in *instance) watch() {
	w := in.b.cli.ContainerWait(context.Background(), in.cid, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	code := -1
	select {
	case r := <-w.Result:
		code = int(r.StatusCode)
	case <-w.Error:
	}
	ctx, cancel := context.WithTimeout(context.Background(), engineTimeout)
	defer cancel()
	oom := false
	if res, err := in.b.cli.ContainerInspect(ctx, in.cid, client.ContainerInspectOptions{}); err == nil && res.Container.State != nil {
		oom, code = res.Container.State.OOMKilled, res.Container.State.ExitCode
	}
	in.mu.Lock()
	in.reason = exitReason(code, oom, in.killedByUs)
	in.final.At = time.Now()
	in.final.MemoryBytes = 0
	reason := in.reason
	in.mu.Unlock()
	in.b.logf("%s exited: %s", in.id, reason)
	close(in.done)
}

// exitReason words an exit the way ECS reports a stopped container.
func exitReason(code int, oom, killedByUs bool) string {
	switch {
	case code < 0:
		return "unknown (engine lost the container)"
	case oom && !killedByUs:
		return fmt.Sprintf("OutOfMemory (exit %d)", code)
	case code == 137:
		return "signal killed (exit 137)"
	case code == 143:
		return "signal terminated (exit 143)"
	}
	return fmt.Sprintf("exit %d", code)
}

// WaitReady blocks until the app answers 200 on the health path (or, without one,
// accepts TCP connections), the container exits, or ctx ends. Its errors end with the
// container's last log line.
func (in *instance) WaitReady(ctx context.Context) error {
	wait := 2 * time.Millisecond
	for {
		if in.probe(ctx) {
			in.mu.Lock()
			if in.ready == 0 {
				in.ready = time.Since(in.startedAt)
			}
			in.mu.Unlock()
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-in.done:
			t.Stop()
			return fmt.Errorf("docker: instance %s exited before it was ready (%s)%s", in.id, in.ExitReason(), in.lastLogLine())
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("docker: instance %s (image %s) never answered 200 on %s (%w)%s", in.id, in.image, in.Addr()+in.spec.HealthPath, ctx.Err(), in.lastLogLine())
		case <-t.C:
		}
		wait = min(2*wait, runtime.ReadyPoll)
	}
}

// probe tries the health check once.
func (in *instance) probe(ctx context.Context) bool {
	return runtime.Probe(ctx, in.Addr(), in.spec.HealthPath)
}

// lastLogLine returns "; last log line: ..." from the container's output, or "".
func (in *instance) lastLogLine() string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rc, err := in.b.cli.ContainerLogs(ctx, in.cid, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: "20"})
	if err != nil {
		return ""
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := stdcopy.StdCopy(&buf, &buf, io.LimitReader(rc, 1<<20)); err != nil && buf.Len() == 0 {
		return ""
	}
	var last string
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			last = s
		}
	}
	if last == "" {
		return "; the container printed nothing"
	}
	if len(last) > 200 {
		last = last[:200] + "…"
	}
	return "; last log line: " + last
}

// statsSample is the part of the engine's stats answer Usage reads.
type statsSample struct {
	CPUStats struct {
		CPUUsage struct {
			TotalUsage uint64 `json:"total_usage"`
		} `json:"cpu_usage"`
	} `json:"cpu_stats"`
	MemoryStats struct {
		Usage uint64            `json:"usage"`
		Stats map[string]uint64 `json:"stats"`
	} `json:"memory_stats"`
}

// parseStats turns one stats answer into cumulative CPU seconds and current memory
// (charged minus inactive page cache, as docker stats shows it: cgroup v1 calls it
// total_inactive_file, v2 inactive_file).
func parseStats(r io.Reader) (cpu float64, mem uint64, err error) {
	var s statsSample
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&s); err != nil {
		return 0, 0, fmt.Errorf("stats: %w", err)
	}
	mem = s.MemoryStats.Usage
	inactive, ok := s.MemoryStats.Stats["total_inactive_file"]
	if !ok {
		inactive = s.MemoryStats.Stats["inactive_file"]
	}
	if inactive < mem {
		mem -= inactive
	}
	return float64(s.CPUStats.CPUUsage.TotalUsage) / 1e9, mem, nil
}

// Usage samples cumulative CPU and current memory: from the container's cgroup files on
// this machine (see cgroupFiles), from the engine's stats for a remote engine. After
// exit it returns the last sample.
func (in *instance) Usage() (runtime.Usage, error) {
	select {
	case <-in.done:
		in.mu.Lock()
		defer in.mu.Unlock()
		return in.fill(in.final), nil
	default:
	}
	cpu, mem, err := in.sample()
	if err != nil {
		select {
		case <-in.done: // exited while sampling: its group is gone
			in.mu.Lock()
			defer in.mu.Unlock()
			return in.fill(in.final), nil
		default:
		}
		return runtime.Usage{}, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	// A container that exited between samples answers zeros: keep the last real CPU.
	in.final.At, in.final.CPUSeconds, in.final.MemoryBytes = time.Now(), math.Max(cpu, in.final.CPUSeconds), mem
	return in.fill(in.final), nil
}

// sample reads CPU and memory from the container's cgroup files when this machine has
// them, from the engine's one-shot stats otherwise (a remote engine).
func (in *instance) sample() (cpu float64, mem uint64, err error) {
	if in.cgOK {
		cpu, mem, err = in.cg.read()
		if err != nil {
			return 0, 0, fmt.Errorf("docker: instance %s: cgroup: %v", in.id, err)
		}
		return cpu, mem, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), engineTimeout)
	defer cancel()
	res, err := in.b.cli.ContainerStats(ctx, in.cid, client.ContainerStatsOptions{})
	if err != nil {
		return 0, 0, fmt.Errorf("docker: instance %s: stats: %v", in.id, oneLine(err.Error()))
	}
	defer res.Body.Close()
	cpu, mem, err = parseStats(res.Body)
	if err != nil {
		return 0, 0, fmt.Errorf("docker: instance %s: %w", in.id, err)
	}
	return cpu, mem, nil
}

// fill completes a Usage with the instance's allowance figures.
func (in *instance) fill(u runtime.Usage) runtime.Usage {
	u.VCPU, u.AllowedVCPU, u.VCPUFraction = in.spec.VCPU, in.allowed, in.b.o.VCPUFraction
	return u
}

// SetVCPU changes the container's CPU limit (ContainerUpdate of NanoCPUs). It does
// nothing once the container has exited.
func (in *instance) SetVCPU(vcpu float64) error {
	if !(vcpu > 0) {
		return fmt.Errorf("docker: instance %s: vcpu %v must be > 0", in.id, vcpu)
	}
	select {
	case <-in.done:
		return nil
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), engineTimeout)
	defer cancel()
	if _, err := in.b.cli.ContainerUpdate(ctx, in.cid, client.ContainerUpdateOptions{
		Resources: &container.Resources{NanoCPUs: nanoCPUs(vcpu, in.b.o.VCPUFraction)},
	}); err != nil {
		select {
		case <-in.done:
			return nil
		default:
		}
		return fmt.Errorf("docker: instance %s: update cpu: %v", in.id, oneLine(err.Error()))
	}
	in.mu.Lock()
	in.allowed = vcpu
	in.mu.Unlock()
	return nil
}

// Stop asks the container to stop (SIGTERM, then SIGKILL after grace, rounded up to a
// whole second as the engine counts), waits for the exit, removes the container and
// releases the port. It is safe to call more than once and after the container exited.
func (in *instance) Stop(grace time.Duration) error {
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
		secs := int(math.Ceil(grace.Seconds()))
		ctx, cancel := context.WithTimeout(context.Background(), grace+engineTimeout)
		in.mu.Lock()
		// If the engine has to kill, that SIGKILL is ours, not the OOM killer's.
		in.killedByUs = true
		in.mu.Unlock()
		if _, err := in.b.cli.ContainerStop(ctx, in.cid, client.ContainerStopOptions{Timeout: &secs}); err != nil && !isNotFound(err) {
			in.stopErr = fmt.Errorf("docker: instance %s: stop: %v", in.id, oneLine(err.Error()))
		}
		cancel()
		select {
		case <-in.done:
		case <-time.After(engineTimeout):
		}
	}
	if err := in.remove(); err != nil && in.stopErr == nil {
		in.stopErr = err
	}
	runtime.Ports.Release(in.port)
	if in.apiPort != 0 {
		runtime.Ports.Release(in.apiPort)
	}
	in.b.forget(in.id)
	in.b.logf("%s stopped and removed", in.id)
	return in.stopErr
}

// remove deletes the container (forcibly, whatever its state).
func (in *instance) remove() error {
	ctx, cancel := context.WithTimeout(context.Background(), engineTimeout)
	defer cancel()
	if _, err := in.b.cli.ContainerRemove(ctx, in.cid, client.ContainerRemoveOptions{Force: true}); err != nil && !isNotFound(err) {
		return fmt.Errorf("docker: instance %s: remove: %v", in.id, oneLine(err.Error()))
	}
	return nil
}
