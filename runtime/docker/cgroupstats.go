package docker

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/deploybench/deploybench/runtime/cgroup"
)

// cgroupFiles locates a container's accounting files on this machine. Usage reads them
// directly: a read costs microseconds, while the engine's stats call, even "one-shot",
// waits for its collector's next one-second tick once a collector runs (Docker 20.10),
// so that sampling every instance each second through the engine would return samples
// up to a second late. A remote engine's containers have no files here; Usage then asks
// the engine.
type cgroupFiles struct {
	v2     bool
	cpu    string // v1 cpuacct group dir, v2 group dir
	memory string // v1 memory group dir, v2 group dir
}

// locateCgroup finds the groups of the process pid (the container's init) from
// /proc/PID/cgroup and this machine's mounts. It returns false when they cannot be read
// (a remote engine, another pid namespace).
func locateCgroup(pid int) (cgroupFiles, bool) {
	if pid <= 0 {
		return cgroupFiles{}, false
	}
	pc, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return cgroupFiles{}, false
	}
	members, err := cgroup.ParseProcCgroup(bytes.NewReader(pc))
	if err != nil {
		return cgroupFiles{}, false
	}
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return cgroupFiles{}, false
	}
	mounts, err := cgroup.ParseMountinfo(bytes.NewReader(mi))
	if err != nil {
		return cgroupFiles{}, false
	}
	h, err := cgroup.Resolve(mounts, members, func(dir string) string {
		b, _ := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
		return string(b)
	})
	if err != nil {
		return cgroupFiles{}, false
	}
	var f cgroupFiles
	if h.Version == cgroup.V2 {
		// Resolve gives the mount point; the container's group is its "0::" path below.
		for _, m := range members {
			if len(m.Controllers) == 0 {
				dir := filepath.Join(h.Parents["cpu"], m.Path)
				f = cgroupFiles{v2: true, cpu: dir, memory: dir}
			}
		}
	} else {
		f = cgroupFiles{cpu: h.Parents["cpuacct"], memory: h.Parents["memory"]}
	}
	if f.cpu == "" {
		return cgroupFiles{}, false
	}
	if _, _, err := f.read(); err != nil {
		return cgroupFiles{}, false
	}
	return f, true
}

// read returns the cumulative CPU seconds and the memory charged minus inactive page
// cache (as docker stats shows it).
func (f cgroupFiles) read() (cpu float64, mem uint64, err error) {
	var stat map[string]uint64
	if f.v2 {
		cs, err := os.ReadFile(filepath.Join(f.cpu, "cpu.stat"))
		if err != nil {
			return 0, 0, err
		}
		cpu = float64(cgroup.ParseKV(cs)["usage_usec"]) / 1e6
		mem, err = readUint(filepath.Join(f.memory, "memory.current"))
		if err != nil {
			return 0, 0, err
		}
		ms, err := os.ReadFile(filepath.Join(f.memory, "memory.stat"))
		if err != nil {
			return 0, 0, err
		}
		stat = cgroup.ParseKV(ms)
		return cpu, subInactive(mem, stat["inactive_file"]), nil
	}
	ns, err := readUint(filepath.Join(f.cpu, "cpuacct.usage"))
	if err != nil {
		return 0, 0, err
	}
	mem, err = readUint(filepath.Join(f.memory, "memory.usage_in_bytes"))
	if err != nil {
		return 0, 0, err
	}
	ms, err := os.ReadFile(filepath.Join(f.memory, "memory.stat"))
	if err != nil {
		return 0, 0, err
	}
	stat = cgroup.ParseKV(ms)
	return float64(ns) / 1e9, subInactive(mem, stat["total_inactive_file"]), nil
}

func subInactive(mem, inactive uint64) uint64 {
	if inactive < mem {
		return mem - inactive
	}
	return mem
}

func readUint(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
}
