package cgroup

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// writeFile writes one value to a controller file. cgroupfs files exist already; a plain
// directory (in tests) gets them created.
func writeFile(dir, name, value string) error {
	if err := os.WriteFile(filepath.Join(dir, name), []byte(value), 0o644); err != nil {
		return fmt.Errorf("cgroup: write %s: %w", name, err)
	}
	return nil
}

// readUint reads a file holding one unsigned number, e.g. cpuacct.usage.
func readUint(dir, name string) (uint64, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return 0, fmt.Errorf("cgroup: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return ^uint64(0), nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("cgroup: %s: %q is not a number", name, s)
	}
	return n, nil
}

// readKV reads a "key value" per line file such as cpu.stat, memory.stat, memory.events
// or memory.oom_control.
func readKV(dir, name string) (map[string]uint64, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	return ParseKV(b), nil
}

// ParseKV parses the flat keyed files of cgroupfs ("usage_usec 1234\nuser_usec 1000\n").
// Lines that are not a key and an unsigned number are skipped: kernels add keys and
// some files mix in other formats, and a sample must not fail because of them.
func ParseKV(b []byte) map[string]uint64 {
	out := map[string]uint64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		n, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			continue
		}
		out[f[0]] = n
	}
	return out
}

// readProcs lists the pids in a group's cgroup.procs.
func readProcs(dir string) ([]int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if p, err := strconv.Atoi(f); err == nil && p > 0 {
			pids = append(pids, p)
		}
	}
	return pids, nil
}

// killProcs sends SIGKILL to every process in dir until none is left or the deadline
// passes. Processes may fork while being killed, so one pass is not enough.
// A directory that is not on cgroupfs (a test fixture) lists no real processes.
func killProcs(dir string, deadline time.Time) error {
	if !onCgroupFS(dir) {
		return nil
	}
	for {
		pids, err := readProcs(dir)
		if err != nil {
			return err
		}
		if len(pids) == 0 {
			return nil
		}
		for _, p := range pids {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup: %d processes still in %s after SIGKILL", len(pids), dir)
		}
		time.Sleep(5 * time.Millisecond) // the kernel needs a moment to reap them
	}
}

// removeDir removes a group directory, killing what is left in it and retrying while the
// kernel still counts exiting tasks (rmdir then fails with EBUSY). A missing directory
// is not an error. A directory that is not on cgroupfs (a test fixture) holds the files
// written to it and is removed with them.
func removeDir(dir string, deadline time.Time) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		if errors.Is(err, syscall.ENOENT) {
			return nil
		}
		return fmt.Errorf("cgroup: remove %s: %w", dir, err)
	}
	if !isCgroupFS(int64(st.Type)) {
		return os.RemoveAll(dir)
	}
	for {
		err := syscall.Rmdir(dir)
		if err == nil || errors.Is(err, syscall.ENOENT) {
			return nil
		}
		if !errors.Is(err, syscall.EBUSY) {
			return fmt.Errorf("cgroup: remove %s: %w", dir, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup: remove %s: %w (processes still inside)", dir, err)
		}
		_ = killProcs(dir, deadline)
		time.Sleep(5 * time.Millisecond)
	}
}

// Filesystem magic numbers from linux/magic.h.
const (
	cgroupSuperMagic  = 0x27e0eb
	cgroup2SuperMagic = 0x63677270
)

func isCgroupFS(t int64) bool { return t == cgroupSuperMagic || t == cgroup2SuperMagic }

// onCgroupFS reports whether dir is on a cgroup filesystem.
func onCgroupFS(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && isCgroupFS(int64(st.Type))
}

// SafeName turns an instance or run name into a directory name: letters, digits, '-',
// '_' and '.' are kept, anything else becomes '_'.
func SafeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) == 0 || string(b) == "." || string(b) == ".." {
		return "_"
	}
	return string(b)
}
