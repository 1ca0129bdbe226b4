package runtime

import (
	"errors"
	"strconv"
	"strings"

	"github.com/deploybench/deploybench/runtime/cgroup"
)

// GC removes the cgroups left behind by runs of the process backend that died without
// Close (killed with SIGKILL, a machine crash): every group whose name starts with prefix
// (normally RunPrefix) followed by the pid of a process that no longer exists. Processes
// still inside are killed. Groups of live runs are never touched. Without usable cgroups
// there is nothing to collect and GC returns no error. It returns the removed
// directories.
//
// The owner pid is from this machine's pid namespace: a run in another pid namespace that
// shares the cgroup filesystem (a container) looks dead from here.
func GC(prefix string) ([]string, error) {
	if prefix == "" {
		return nil, errors.New("runtime: GC: empty prefix would match every cgroup")
	}
	h, err := cgroup.Detect()
	if errors.Is(err, cgroup.ErrUnavailable) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return h.GC(prefix, func(name string) bool { return runIsDead(prefix, name) })
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
