package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/deploybench/deploybench/runtime/cgroup"
)

// DefaultVCPUFraction is the share of a host core one emulated vCPU gets unless
// configured: a quarter, so that eight 1-vCPU instances (or four 2-vCPU ones) fit in two
// host cores. Reports state the fraction used.
const DefaultVCPUFraction = 0.25

// DefaultCloseGrace is how long Close lets instances still running handle SIGTERM before
// it kills them. Platforms stop their instances with their own grace first; Close is the
// safety net for Ctrl-C and failures.
const DefaultCloseGrace = time.Second

// RunPrefix starts the name of every run cgroup this backend creates:
// RunPrefix + owner pid + "-" + run id. GC finds leftovers by it.
const RunPrefix = "deploybench-"

// NoCgroupsEnv, set to "1", makes the process backend run without cgroups even where it
// could use them (to test the fallback, or on a machine whose cgroups must not be touched).
const NoCgroupsEnv = "DEPLOYBENCH_NO_CGROUPS"

// ProcessOptions configures the process backend. The zero value is usable.
type ProcessOptions struct {
	// VCPUFraction is the share of a host core one emulated vCPU gets; 0 means
	// DefaultVCPUFraction.
	VCPUFraction float64
	// TempRoot is the directory under which the run's directory of per-instance logs is
	// created (named like the run's cgroup); "" means the system temp directory.
	TempRoot string
	// KeepLogs keeps the run's log directory after Close (its path is LogDir).
	KeepLogs bool
	// Log receives one line per instance start, exit and stop; nil discards them.
	Log io.Writer
	// RunID names this run's cgroup (after RunPrefix and the pid); "" picks a random one.
	RunID string
	// NoCgroups runs without cgroups, as NoCgroupsEnv=1 does.
	NoCgroups bool
	// CloseGrace is the SIGTERM grace Close gives instances still running; 0 means
	// DefaultCloseGrace.
	CloseGrace time.Duration
}

// Process is the process backend: each instance is an OS process group, in its own
// cgroup where permitted. It is safe for concurrent use.
type Process struct {
	o      ProcessOptions
	dir    string
	run    *cgroup.Run // nil without cgroups
	ver    cgroup.Version
	limits string

	logMu sync.Mutex

	mu     sync.Mutex
	insts  map[string]*procInstance
	seq    int
	closed bool
}

// NewProcess creates a process backend: its log directory and, where permitted, the
// run's parent cgroup. Not being permitted to use cgroups is not an error; Limits says
// what is enforced.
func NewProcess(o ProcessOptions) (*Process, error) {
	if o.VCPUFraction == 0 {
		o.VCPUFraction = DefaultVCPUFraction
	}
	if !(o.VCPUFraction > 0 && o.VCPUFraction <= 64) {
		return nil, fmt.Errorf("runtime: vcpu fraction %v must be > 0 and at most 64 host cores", o.VCPUFraction)
	}
	if o.CloseGrace <= 0 {
		o.CloseGrace = DefaultCloseGrace
	}
	if o.RunID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		o.RunID = hex.EncodeToString(b[:])
	}
	dir, err := makeLogDir(o.TempRoot, runName(o.RunID), o.KeepLogs)
	if err != nil {
		return nil, err
	}
	p := &Process{o: o, dir: dir, insts: map[string]*procInstance{}}
	why := p.setupCgroups()
	if p.run != nil {
		p.limits = fmt.Sprintf("%s: 1 vCPU = %g host core (CPU quota), memory limit enforced", p.ver, o.VCPUFraction)
	} else {
		p.limits = fmt.Sprintf("no cgroups (%s): CPU limited by GOMAXPROCS only, not enforced; memory by GOMEMLIMIT (soft); 1 vCPU = %g host core for utilisation", why, o.VCPUFraction)
	}
	return p, nil
}

// runName names a run's cgroup and log directory: RunPrefix, the owner's pid (so GC
// can tell a dead run from a live one), the run id.
func runName(runID string) string {
	return RunPrefix + strconv.Itoa(os.Getpid()) + "-" + cgroup.SafeName(runID)
}

// keepMarker, inside a log directory, tells GC that the logs were kept on purpose.
const keepMarker = "KEPT-BY-DEPLOYBENCH"

// makeLogDir creates the run's log directory under root (the system temp directory if
// ""), named like its cgroup.
func makeLogDir(root, name string, keep bool) (string, error) {
	if root == "" {
		root = os.TempDir()
	}
	dir := filepath.Join(root, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", fmt.Errorf("runtime: log directory: %w", err)
	}
	if keep {
		if err := os.WriteFile(filepath.Join(dir, keepMarker), []byte("logs kept with ProcessOptions.KeepLogs; deploybench gc leaves this directory alone\n"), 0o644); err != nil {
			return "", fmt.Errorf("runtime: log directory: %w", err)
		}
	}
	return dir, nil
}

// setupCgroups creates the run's parent group, or returns why cgroups are not used.
func (p *Process) setupCgroups() (why string) {
	if p.o.NoCgroups || os.Getenv(NoCgroupsEnv) == "1" {
		return "disabled by " + NoCgroupsEnv + "=1"
	}
	h, err := cgroup.Detect()
	if err != nil {
		return err.Error()
	}
	run, err := h.NewRun(runName(p.o.RunID))
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
			return "not permitted"
		}
		return err.Error()
	}
	p.run, p.ver = run, h.Version
	return ""
}

// Name returns "process".
func (p *Process) Name() string { return "process" }

// Limits describes how CPU and memory are limited, for the run's output.
func (p *Process) Limits() string { return p.limits }

// Cgroups reports whether instances run in cgroups (limits enforced).
func (p *Process) Cgroups() bool { return p.run != nil }

// VCPUFraction is the share of a host core one emulated vCPU gets.
func (p *Process) VCPUFraction() float64 { return p.o.VCPUFraction }

// LogDir is the directory holding one log file per instance (removed by Close unless
// KeepLogs).
func (p *Process) LogDir() string { return p.dir }

// logf writes one progress line.
func (p *Process) logf(format string, args ...any) {
	if p.o.Log == nil {
		return
	}
	p.logMu.Lock()
	defer p.logMu.Unlock()
	fmt.Fprintf(p.o.Log, "runtime: "+format+"\n", args...)
}

// forget drops a stopped instance from the backend's set.
func (p *Process) forget(id string) {
	p.mu.Lock()
	delete(p.insts, id)
	p.mu.Unlock()
}

// Close stops every instance still running (SIGTERM, CloseGrace, SIGKILL), removes the
// run's cgroups and, unless KeepLogs, its log directory. Start fails after Close.
func (p *Process) Close() error {
	p.mu.Lock()
	p.closed = true
	insts := make([]*procInstance, 0, len(p.insts))
	for _, in := range p.insts {
		insts = append(insts, in)
	}
	p.mu.Unlock()

	errs := make([]error, len(insts))
	var wg sync.WaitGroup
	for i, in := range insts {
		wg.Go(func() { errs[i] = in.Stop(p.o.CloseGrace) })
	}
	wg.Wait()
	if p.run != nil {
		errs = append(errs, p.run.Remove())
	}
	if !p.o.KeepLogs {
		if err := os.RemoveAll(p.dir); err != nil {
			errs = append(errs, fmt.Errorf("runtime: %w", err))
		}
	}
	return errors.Join(errs...)
}
