package cgroup

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Version is the cgroup layout in use.
type Version int

// The two cgroup layouts.
const (
	V1 Version = 1
	V2 Version = 2
)

// String returns "cgroup v1" or "cgroup v2".
func (v Version) String() string { return fmt.Sprintf("cgroup v%d", int(v)) }

// ErrUnavailable is returned by Detect when no usable cpu and memory controllers are
// mounted; errors.Is distinguishes it from an I/O failure.
var ErrUnavailable = errors.New("no cgroup cpu and memory controllers mounted")

// v1Controllers are the v1 controllers a run needs: cpu for the quota, cpuacct for the
// accounting, memory for the limit and usage.
var v1Controllers = []string{"cpu", "cpuacct", "memory"}

// Hierarchy says where deploybench may create groups.
type Hierarchy struct {
	// Version is the layout.
	Version Version
	// Parents maps a controller ("cpu", "cpuacct", "memory") to the directory under which
	// run groups are created; under v2 every controller maps to the same directory. Two
	// controllers co-mounted (cpu,cpuacct) share a directory.
	Parents map[string]string
	// Roots are the mount points of the hierarchies used, searched by GC.
	Roots []string
}

// Dirs returns the distinct parent directories, sorted.
func (h Hierarchy) Dirs() []string {
	var dirs []string
	for _, d := range h.Parents {
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs)
	return dirs
}

// Detect finds the cgroup layout of this machine from /proc/self/mountinfo and
// /proc/self/cgroup. It does not check that groups can be created; NewRun does.
func Detect() (Hierarchy, error) {
	mi, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return Hierarchy{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer mi.Close()
	mounts, err := ParseMountinfo(mi)
	if err != nil {
		return Hierarchy{}, err
	}
	pc, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return Hierarchy{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer pc.Close()
	self, err := ParseProcCgroup(pc)
	if err != nil {
		return Hierarchy{}, err
	}
	return Resolve(mounts, self, func(dir string) string {
		b, _ := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
		return string(b)
	})
}

// Resolve picks the layout from the mounts and this process's memberships. v1 wins when
// it has cpu, cpuacct and memory (a hybrid system mounts an empty cgroup2 beside it);
// otherwise a cgroup2 mount whose root lists cpu and memory in cgroup.controllers
// (read through v2Controllers) is used.
func Resolve(mounts []Mount, self []Membership, v2Controllers func(dir string) string) (Hierarchy, error) {
	h := Hierarchy{Version: V1, Parents: map[string]string{}}
	for _, c := range v1Controllers {
		m, ok := findV1Mount(mounts, c)
		if !ok {
			break
		}
		own := "/"
		for _, s := range self {
			if slices.Contains(s.Controllers, c) {
				own = s.Path
			}
		}
		h.Parents[c] = filepath.Join(m.Point, relativeTo(own, m.Root))
		if !slices.Contains(h.Roots, m.Point) {
			h.Roots = append(h.Roots, m.Point)
		}
	}
	if len(h.Parents) == len(v1Controllers) {
		return h, nil
	}
	for _, m := range mounts {
		if !m.V2 {
			continue
		}
		ctrl := strings.Fields(v2Controllers(m.Point))
		if slices.Contains(ctrl, "cpu") && slices.Contains(ctrl, "memory") {
			h := Hierarchy{Version: V2, Parents: map[string]string{}, Roots: []string{m.Point}}
			for _, c := range v1Controllers {
				h.Parents[c] = m.Point
			}
			return h, nil
		}
	}
	return Hierarchy{}, ErrUnavailable
}

func findV1Mount(mounts []Mount, controller string) (Mount, bool) {
	for _, m := range mounts {
		if !m.V2 && slices.Contains(m.Controllers, controller) {
			return m, true
		}
	}
	return Mount{}, false
}

// relativeTo returns own (a path in the hierarchy) relative to the mounted root. A process
// in a cgroup namespace sees paths already relative to its mount, which need no change.
func relativeTo(own, root string) string {
	own, root = path.Clean(own), path.Clean(root)
	if root == "/" {
		return own
	}
	if own == root {
		return "/"
	}
	if strings.HasPrefix(own, root+"/") {
		return strings.TrimPrefix(own, root)
	}
	return own
}
