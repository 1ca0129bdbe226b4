package runtime

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// clockTicks is USER_HZ, the unit of the times in /proc/PID/stat. It is 100 on every
// Linux architecture Go supports (the kernel fixes it for user space regardless of HZ).
const clockTicks = 100

// procStat holds the fields of /proc/PID/stat the fallback accounting needs.
type procStat struct {
	PID, PPID, PGRP int
	State           byte
	// UTime and STime are the CPU ticks of the process itself; CUTime and CSTime those of
	// its children that exited and were waited for.
	UTime, STime, CUTime, CSTime uint64
	// RSSPages is the resident set size in pages.
	RSSPages int64
}

// parseProcStat parses one /proc/PID/stat line. The command name sits in parentheses
// and may itself contain spaces and parentheses, so fields are counted from the last ')'.
func parseProcStat(b []byte) (procStat, error) {
	var s procStat
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 1 || end < open {
		return s, fmt.Errorf("proc stat: no (comm)")
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return s, fmt.Errorf("proc stat: pid: %w", err)
	}
	s.PID = pid
	f := bytes.Fields(b[end+1:])
	// f[0] is field 3 (state); field n is f[n-3]. We need up to field 24 (rss).
	if len(f) < 22 || len(f[0]) != 1 {
		return s, fmt.Errorf("proc stat: %d fields after comm, want at least 22", len(f))
	}
	s.State = f[0][0]
	ints := []*int{&s.PPID, &s.PGRP}
	for i, p := range ints {
		if *p, err = strconv.Atoi(string(f[1+i])); err != nil {
			return s, fmt.Errorf("proc stat: field %d: %w", 4+i, err)
		}
	}
	uints := []*uint64{&s.UTime, &s.STime}
	for i, p := range uints {
		if *p, err = strconv.ParseUint(string(f[11+i]), 10, 64); err != nil {
			return s, fmt.Errorf("proc stat: field %d: %w", 14+i, err)
		}
	}
	// cutime and cstime are signed in the kernel's format (long); negative never happens
	// in practice but must not wrap.
	for i, p := range []*uint64{&s.CUTime, &s.CSTime} {
		v, err := strconv.ParseInt(string(f[13+i]), 10, 64)
		if err != nil {
			return s, fmt.Errorf("proc stat: field %d: %w", 16+i, err)
		}
		*p = uint64(max(v, 0))
	}
	if s.RSSPages, err = strconv.ParseInt(string(f[21]), 10, 64); err != nil {
		return s, fmt.Errorf("proc stat: field 24: %w", err)
	}
	return s, nil
}

// groupUsage sums CPU and resident memory over the live processes of process group pgid
// under procDir (normally /proc), plus the CPU of children the leader already waited
// for. The CPU of a process that exited without being waited for by a group member is
// lost to this method; cgroups do not have that gap.
func groupUsage(procDir string, pgid int) (cpuSeconds float64, rssBytes uint64, err error) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return 0, 0, fmt.Errorf("runtime: %w", err)
	}
	page := int64(os.Getpagesize())
	var ticks uint64
	var rss int64
	found := false
	for _, e := range entries {
		name := e.Name()
		if name[0] < '0' || name[0] > '9' {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procDir, name, "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		s, err := parseProcStat(b)
		if err != nil || s.PGRP != pgid || s.State == 'Z' {
			continue
		}
		found = true
		ticks += s.UTime + s.STime
		if s.PID == pgid {
			ticks += s.CUTime + s.CSTime
		}
		rss += s.RSSPages * page
	}
	if !found {
		return 0, 0, fmt.Errorf("runtime: no process left in group %d", pgid)
	}
	return float64(ticks) / clockTicks, uint64(max(rss, 0)), nil
}

// processAlive reports whether pid exists and is not a zombie.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && err != syscall.EPERM {
		return false
	}
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		_, noProc := os.Stat("/proc/self/stat")
		return noProc != nil // without procfs (not Linux) kill(0) is all we know
	}
	s, err := parseProcStat(b)
	return err != nil || s.State != 'Z'
}
