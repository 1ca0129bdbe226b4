package cgroup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// removeTimeout bounds how long Remove waits for killed processes to leave a group.
const removeTimeout = 3 * time.Second

// cpuPeriodMicros is the CFS period used for quotas: the kernel default, 100 ms. A quota
// of q cores is q × period of CPU time per period.
const cpuPeriodMicros = 100_000

// minQuotaMicros is the smallest quota the kernel accepts (1 ms).
const minQuotaMicros = 1_000

// Stats is one accounting sample of a group.
type Stats struct {
	// CPU is the cumulative CPU time of every process that ever ran in the group.
	CPU time.Duration
	// MemoryBytes is the current memory charged to the group, minus the inactive page
	// cache that the kernel reclaims before it OOM-kills anything (what docker stats shows).
	MemoryBytes uint64
	// OOMKills counts processes the kernel killed for exceeding the memory limit;
	// OOMCounted says the kernel keeps that count (v2, and v1 since Linux 4.13).
	OOMKills   uint64
	OOMCounted bool
	// LimitHits counts how often usage reached the memory limit (v1 memory.failcnt, v2
	// memory.events max); with an old v1 kernel that has no oom_kill counter, a SIGKILL
	// after limit hits is the OOM evidence.
	LimitHits uint64
}

// Group is one instance's control group.
type Group interface {
	// Path is the group's main directory (for messages).
	Path() string
	// SetCPU sets the CPU quota in host cores (0.25 = a quarter of a core); cores <= 0
	// removes the quota.
	SetCPU(cores float64) error
	// SetMemory sets the memory limit in bytes (swap included where the kernel accounts
	// it); 0 removes the limit.
	SetMemory(bytes uint64) error
	// Add moves a process into the group.
	Add(pid int) error
	// OpenFD opens the group directory for SysProcAttr.CgroupFD (clone3 into the group,
	// race-free); v1 has no such thing and returns errors.ErrUnsupported.
	OpenFD() (*os.File, error)
	// Stats samples the group's accounting.
	Stats() (Stats, error)
	// Procs lists the processes in the group.
	Procs() ([]int, error)
	// Kill sends SIGKILL to every process in the group and waits until they are gone.
	Kill() error
	// Remove kills what is left and deletes the group.
	Remove() error
}

// Run is the parent group of one deploybench run; instances' groups go below it, so that
// leftovers of a run that died are found by its name.
type Run struct {
	h    Hierarchy
	name string
	dirs map[string]string // controller → run directory
}

// NewRun creates the run's parent group, named name, under every controller's parent.
// Permission problems come back wrapping fs.ErrPermission (or EROFS) so that callers can
// fall back to running without cgroups.
func (h Hierarchy) NewRun(name string) (*Run, error) {
	name = SafeName(name)
	r := &Run{h: h, name: name, dirs: map[string]string{}}
	if h.Version == V2 {
		// Controllers must be enabled in the parent for the run group and in the run
		// group for its children; the root usually has them already.
		parent := h.Parents["cpu"]
		if err := writeFile(parent, "cgroup.subtree_control", "+cpu +memory"); err != nil {
			return nil, err
		}
	}
	for _, dir := range h.Dirs() {
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			r.Remove()
			return nil, fmt.Errorf("cgroup: create %s: %w", d, err)
		}
		for c, p := range h.Parents {
			if p == dir {
				r.dirs[c] = d
			}
		}
	}
	if h.Version == V2 {
		if err := writeFile(r.dirs["cpu"], "cgroup.subtree_control", "+cpu +memory"); err != nil {
			r.Remove()
			return nil, err
		}
	}
	return r, nil
}

// Name is the run group's directory name.
func (r *Run) Name() string { return r.name }

// NewGroup creates an instance's group below the run.
func (r *Run) NewGroup(name string) (Group, error) {
	name = SafeName(name)
	made := map[string]string{}
	for c, d := range r.dirs {
		if p, ok := made[d]; ok {
			made[c] = p
			continue
		}
		p := filepath.Join(d, name)
		if err := os.Mkdir(p, 0o755); err != nil {
			for _, m := range made {
				_ = removeDir(m, time.Now().Add(removeTimeout))
			}
			return nil, fmt.Errorf("cgroup: create %s: %w", p, err)
		}
		made[d] = p
		made[c] = p
	}
	if r.h.Version == V2 {
		return &v2Group{dir: made["cpu"]}, nil
	}
	return &v1Group{cpu: made["cpu"], cpuacct: made["cpuacct"], memory: made["memory"]}, nil
}

// Remove deletes the run group (and any instance group still below it).
func (r *Run) Remove() error {
	var first error
	deadline := time.Now().Add(removeTimeout)
	seen := map[string]bool{}
	for _, d := range r.dirs {
		if seen[d] {
			continue
		}
		seen[d] = true
		if err := removeTree(d, deadline); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// removeTree removes a group and its descendants, deepest first.
func removeTree(dir string, deadline time.Time) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("cgroup: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := removeTree(filepath.Join(dir, e.Name()), deadline); err != nil {
				return err
			}
		}
	}
	_ = killProcs(dir, deadline)
	return removeDir(dir, deadline)
}

// distinct returns the non-empty distinct strings, keeping order.
func distinct(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s == "" {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}
