package cgroup

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Mount is one cgroup filesystem mount from /proc/self/mountinfo.
type Mount struct {
	// Root is the directory of the hierarchy that is mounted (usually "/"; a sub-group
	// when a container runtime bind-mounts only its own part).
	Root string
	// Point is where it is mounted, e.g. "/sys/fs/cgroup/cpu".
	Point string
	// V2 is true for a cgroup2 (unified) mount.
	V2 bool
	// Controllers lists the v1 controllers of the hierarchy, e.g. [cpu cpuacct]; empty
	// for v2, whose controllers are listed in the root's cgroup.controllers file.
	Controllers []string
}

// ParseMountinfo returns the cgroup and cgroup2 mounts listed in a /proc/PID/mountinfo
// stream; other mounts are skipped. A malformed line is an error naming the line.
func ParseMountinfo(r io.Reader) ([]Mount, error) {
	var mounts []Mount
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		// Fields: id parent major:minor root point options [optional...] - fstype source superopts
		pre, post, ok := strings.Cut(text, " - ")
		if !ok {
			return nil, fmt.Errorf("mountinfo line %d: no ' - ' separator", line)
		}
		f := strings.Fields(pre)
		g := strings.Fields(post)
		if len(f) < 6 || len(g) < 3 {
			return nil, fmt.Errorf("mountinfo line %d: too few fields", line)
		}
		fstype := g[0]
		if fstype != "cgroup" && fstype != "cgroup2" {
			continue
		}
		m := Mount{Root: unescapeOctal(f[3]), Point: unescapeOctal(f[4]), V2: fstype == "cgroup2"}
		if !m.V2 {
			for _, opt := range strings.Split(g[2], ",") {
				switch {
				case opt == "rw" || opt == "ro" || strings.Contains(opt, "="):
					// mount flags and named hierarchies (name=systemd) are not controllers
				case opt == "":
				default:
					m.Controllers = append(m.Controllers, opt)
				}
			}
		}
		mounts = append(mounts, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mountinfo: %w", err)
	}
	return mounts, nil
}

// unescapeOctal undoes the \ooo escaping mountinfo applies to spaces, tabs, newlines and
// backslashes in paths.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Membership is one line of /proc/PID/cgroup: the group a process belongs to in one
// hierarchy.
type Membership struct {
	// Controllers lists the v1 controllers of the hierarchy; empty for v2 ("0::/path").
	Controllers []string
	// Path is the group's path relative to the hierarchy root, e.g. "/user.slice".
	Path string
}

// ParseProcCgroup parses a /proc/PID/cgroup stream.
func ParseProcCgroup(r io.Reader) ([]Membership, error) {
	var out []Membership
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		parts := strings.SplitN(text, ":", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("cgroup line %d: want id:controllers:path", line)
		}
		if !strings.HasPrefix(parts[2], "/") {
			return nil, fmt.Errorf("cgroup line %d: path %q is not absolute", line, parts[2])
		}
		m := Membership{Path: parts[2]}
		if parts[1] != "" {
			for _, c := range strings.Split(parts[1], ",") {
				if c != "" && !strings.Contains(c, "=") {
					m.Controllers = append(m.Controllers, c)
				}
			}
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	return out, nil
}
