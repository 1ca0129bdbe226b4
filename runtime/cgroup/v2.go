package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// v2Group is a group under the unified hierarchy: one directory for every controller.
type v2Group struct {
	dir string
}

func (g *v2Group) Path() string { return g.dir }

func (g *v2Group) SetCPU(cores float64) error {
	quota := "max"
	if cores > 0 {
		quota = strconv.FormatInt(quotaMicros(cores, cpuPeriodMicros), 10)
	}
	return writeFile(g.dir, "cpu.max", fmt.Sprintf("%s %d", quota, cpuPeriodMicros))
}

func (g *v2Group) SetMemory(bytes uint64) error {
	limit := "max"
	if bytes > 0 {
		limit = strconv.FormatUint(bytes, 10)
	}
	if err := writeFile(g.dir, "memory.max", limit); err != nil {
		return err
	}
	// Without this an instance at its limit swaps instead of being OOM-killed, which is
	// not what a VM or a task does. The file exists only when swap is accounted.
	if _, err := os.Stat(filepath.Join(g.dir, "memory.swap.max")); err == nil && bytes > 0 {
		return writeFile(g.dir, "memory.swap.max", "0")
	}
	return nil
}

func (g *v2Group) Add(pid int) error {
	return writeFile(g.dir, "cgroup.procs", strconv.Itoa(pid))
}

func (g *v2Group) OpenFD() (*os.File, error) {
	f, err := os.Open(g.dir)
	if err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	return f, nil
}

func (g *v2Group) Stats() (Stats, error) {
	var s Stats
	cs, err := readKV(g.dir, "cpu.stat")
	if err != nil {
		return s, err
	}
	s.CPU = time.Duration(cs["usage_usec"]) * time.Microsecond
	used, err := readUint(g.dir, "memory.current")
	if err != nil {
		return s, err
	}
	if st, err := readKV(g.dir, "memory.stat"); err == nil {
		used -= min(used, st["inactive_file"])
	}
	s.MemoryBytes = used
	if ev, err := readKV(g.dir, "memory.events"); err == nil {
		s.OOMKills, s.OOMCounted = ev["oom_kill"]
		s.LimitHits = ev["max"]
	} else if !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	return s, nil
}

func (g *v2Group) Procs() ([]int, error) { return readProcs(g.dir) }

func (g *v2Group) Kill() error {
	// cgroup.kill (Linux 5.14) kills the whole group atomically, forks included.
	if _, err := os.Stat(filepath.Join(g.dir, "cgroup.kill")); err == nil {
		_ = writeFile(g.dir, "cgroup.kill", "1")
	}
	return killProcs(g.dir, time.Now().Add(removeTimeout))
}

func (g *v2Group) Remove() error {
	return removeDir(g.dir, time.Now().Add(removeTimeout))
}
