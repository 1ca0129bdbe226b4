package cgroup

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"strconv"
	"time"
)

// v1Group is a group under cgroup v1: one directory per hierarchy (cpu and cpuacct may be
// the same directory when co-mounted).
type v1Group struct {
	cpu, cpuacct, memory string
}

func (g *v1Group) Path() string { return g.memory }

func (g *v1Group) dirs() []string { return distinct(g.cpu, g.cpuacct, g.memory) }

func (g *v1Group) SetCPU(cores float64) error {
	period, err := readUint(g.cpu, "cpu.cfs_period_us")
	if err != nil {
		// A test fixture has no period yet: use the kernel default.
		period = cpuPeriodMicros
		if err := writeFile(g.cpu, "cpu.cfs_period_us", strconv.Itoa(cpuPeriodMicros)); err != nil {
			return err
		}
	}
	quota := "-1"
	if cores > 0 {
		quota = strconv.FormatInt(quotaMicros(cores, period), 10)
	}
	return writeFile(g.cpu, "cpu.cfs_quota_us", quota)
}

// quotaMicros converts cores to a CFS quota for the period, never below the kernel's
// minimum.
func quotaMicros(cores float64, period uint64) int64 {
	q := int64(math.Round(cores * float64(period)))
	return max(q, minQuotaMicros)
}

func (g *v1Group) SetMemory(bytes uint64) error {
	limit := "-1"
	if bytes > 0 {
		limit = strconv.FormatUint(bytes, 10)
	}
	// memory.memsw.limit_in_bytes (memory + swap) must stay ≥ memory.limit_in_bytes, so
	// the order of the two writes depends on the direction of the change; try one order,
	// then the other. memsw exists only when the kernel accounts swap.
	_, err := os.Stat(g.memory + "/memory.memsw.limit_in_bytes")
	hasSwap := err == nil
	if err := writeFile(g.memory, "memory.limit_in_bytes", limit); err != nil {
		if !hasSwap {
			return err
		}
		if err := writeFile(g.memory, "memory.memsw.limit_in_bytes", limit); err != nil {
			return err
		}
		return writeFile(g.memory, "memory.limit_in_bytes", limit)
	}
	if hasSwap {
		return writeFile(g.memory, "memory.memsw.limit_in_bytes", limit)
	}
	return nil
}

func (g *v1Group) Add(pid int) error {
	for _, d := range g.dirs() {
		if err := writeFile(d, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

func (g *v1Group) OpenFD() (*os.File, error) { return nil, errors.ErrUnsupported }

func (g *v1Group) Stats() (Stats, error) {
	var s Stats
	ns, err := readUint(g.cpuacct, "cpuacct.usage")
	if err != nil {
		return s, err
	}
	s.CPU = time.Duration(ns)
	used, err := readUint(g.memory, "memory.usage_in_bytes")
	if err != nil {
		return s, err
	}
	if st, err := readKV(g.memory, "memory.stat"); err == nil {
		used -= min(used, st["total_inactive_file"])
	}
	s.MemoryBytes = used
	// oom_kill appeared in memory.oom_control in Linux 4.13; on older kernels failcnt
	// (times the limit was hit) is the evidence left.
	if oc, err := readKV(g.memory, "memory.oom_control"); err == nil {
		s.OOMKills, s.OOMCounted = oc["oom_kill"]
	} else if !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	if fc, err := readUint(g.memory, "memory.failcnt"); err == nil {
		s.LimitHits = fc
	}
	return s, nil
}

func (g *v1Group) Procs() ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, d := range g.dirs() {
		pids, err := readProcs(d)
		if err != nil {
			return nil, err
		}
		for _, p := range pids {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func (g *v1Group) Kill() error {
	deadline := time.Now().Add(removeTimeout)
	for _, d := range g.dirs() {
		if err := killProcs(d, deadline); err != nil {
			return err
		}
	}
	return nil
}

func (g *v1Group) Remove() error {
	deadline := time.Now().Add(removeTimeout)
	var first error
	for _, d := range g.dirs() {
		if err := removeDir(d, deadline); err != nil && first == nil {
			first = err
		}
	}
	return first
}
