package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/deploybench/deploybench/runtime/cgroup"
)

// GC removes what runs of the process backend left behind when they died without Close
// (killed with SIGKILL, a machine crash): every cgroup, and every log directory in the
// system temp directory, whose name is prefix (normally RunPrefix) followed by the pid
// of a process that no longer exists. Processes still inside such a cgroup are killed.
// Live runs and log directories kept with KeepLogs are never touched. Without usable
// cgroups only log directories are collected. It returns the removed paths.
//
// The owner pid is from this machine's pid namespace: a run in another pid namespace that
// shares the cgroup filesystem (a container) looks dead from here.
func GC(prefix string) ([]string, error) {
	if prefix == "" {
		return nil, errors.New("runtime: GC: empty prefix would match every cgroup")
	}
	removed, err := gcLogDirs(os.TempDir(), prefix)
	h, derr := cgroup.Detect()
	if errors.Is(derr, cgroup.ErrUnavailable) {
		return removed, err
	}
	if derr != nil {
		return removed, errors.Join(err, derr)
	}
	groups, gerr := h.GC(prefix, func(name string) bool { return runIsDead(prefix, name) })
	return append(removed, groups...), errors.Join(err, gerr)
}

// gcLogDirs removes the log directories of dead runs under root.
func gcLogDirs(root, prefix string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("runtime: GC: %w", err)
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !runIsDead(prefix, e.Name()) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if _, err := os.Stat(filepath.Join(dir, keepMarker)); err == nil {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("runtime: GC: %w", err))
			continue
		}
		removed = append(removed, dir)
	}
	return removed, errors.Join(errs...)
}

// runIsDead reports whether a run group name (prefix + pid + "-" + id) belongs to a
// process that is gone. Names that do not follow the pattern are left alone.
func runIsDead(prefix, name string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return false
	}
	pidText, _, ok := strings.Cut(rest, "-")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return false
	}
	return !processAlive(pid)
}
