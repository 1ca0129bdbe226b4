package cgroup

import (
	"reflect"
	"strings"
	"testing"
)

// hybridV1 is a mountinfo of a machine with separate v1 cpu, cpuacct and memory
// hierarchies and an empty cgroup2 beside them.
const hybridV1 = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

// comountedV1 is a systemd v1 machine: cpu and cpuacct share one hierarchy.
const comountedV1 = `25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct
26 24 0:23 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory
`

// containerV1 is a container that sees only its own part of each hierarchy.
const containerV1 = `300 290 0:22 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct
301 290 0:23 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory
`

// unifiedV2 is a pure cgroup v2 machine.
const unifiedV2 = `30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev shared:4 - cgroup2 cgroup2 rw,nsdelegate
`

func TestParseMountinfo(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Mount
	}{
		{"hybrid", hybridV1, []Mount{
			{Root: "/", Point: "/sys/fs/cgroup/cpu", Controllers: []string{"cpu"}},
			{Root: "/", Point: "/sys/fs/cgroup/cpuacct", Controllers: []string{"cpuacct"}},
			{Root: "/", Point: "/sys/fs/cgroup/memory", Controllers: []string{"memory"}},
			{Root: "/", Point: "/sys/fs/cgroup/systemd"},
			{Root: "/", Point: "/sys/fs/cgroup/unified", V2: true},
		}},
		{"comounted", comountedV1, []Mount{
			{Root: "/", Point: "/sys/fs/cgroup/cpu,cpuacct", Controllers: []string{"cpu", "cpuacct"}},
			{Root: "/", Point: "/sys/fs/cgroup/memory", Controllers: []string{"memory"}},
		}},
		{"v2", unifiedV2, []Mount{{Root: "/", Point: "/sys/fs/cgroup", V2: true}}},
		{"escaped", `1 0 0:1 / /mnt/my\040cgroups rw - cgroup2 cgroup2 rw` + "\n",
			[]Mount{{Root: "/", Point: "/mnt/my cgroups", V2: true}}},
		{"none", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMountinfo(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseMountinfoErrors(t *testing.T) {
	for _, in := range []string{"1 2 3 / /x rw cgroup\n", "1 2 - cgroup\n"} {
		if _, err := ParseMountinfo(strings.NewReader(in)); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
}

func TestParseProcCgroup(t *testing.T) {
	in := "9:name=systemd:/\n4:memory:/session/abc\n2:cpu,cpuacct:/user.slice\n0::/\n"
	got, err := ParseProcCgroup(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Membership{
		{Path: "/"},
		{Controllers: []string{"memory"}, Path: "/session/abc"},
		{Controllers: []string{"cpu", "cpuacct"}, Path: "/user.slice"},
		{Path: "/"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := ParseProcCgroup(strings.NewReader("4:memory\n")); err == nil {
		t.Error("want an error for a line without path")
	}
}

func TestResolve(t *testing.T) {
	self := []Membership{
		{Controllers: []string{"memory"}, Path: "/session/abc"},
		{Controllers: []string{"cpu"}, Path: "/"},
		{Controllers: []string{"cpuacct"}, Path: "/"},
		{Controllers: []string{"cpu", "cpuacct"}, Path: "/user.slice"},
		{Path: "/init.scope"},
	}
	noV2 := func(string) string { return "" }
	fullV2 := func(string) string { return "cpuset cpu io memory pids\n" }
	tests := []struct {
		name   string
		mounts string
		self   []Membership
		v2     func(string) string
		want   Hierarchy
		err    bool
	}{
		{"hybrid", hybridV1, self[:3], noV2, Hierarchy{Version: V1, Parents: map[string]string{
			"cpu": "/sys/fs/cgroup/cpu", "cpuacct": "/sys/fs/cgroup/cpuacct", "memory": "/sys/fs/cgroup/memory/session/abc"},
			Roots: []string{"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/memory"}}, false},
		{"comounted", comountedV1, []Membership{self[0], self[3]}, noV2, Hierarchy{Version: V1, Parents: map[string]string{
			"cpu": "/sys/fs/cgroup/cpu,cpuacct/user.slice", "cpuacct": "/sys/fs/cgroup/cpu,cpuacct/user.slice", "memory": "/sys/fs/cgroup/memory/session/abc"},
			Roots: []string{"/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/memory"}}, false},
		{"container", containerV1, []Membership{
			{Controllers: []string{"cpu", "cpuacct"}, Path: "/docker/abc"},
			{Controllers: []string{"memory"}, Path: "/docker/abc/x"}}, noV2, Hierarchy{Version: V1, Parents: map[string]string{
			"cpu": "/sys/fs/cgroup/cpu,cpuacct", "cpuacct": "/sys/fs/cgroup/cpu,cpuacct", "memory": "/sys/fs/cgroup/memory/x"},
			Roots: []string{"/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/memory"}}, false},
		{"v2", unifiedV2, self[4:], fullV2, Hierarchy{Version: V2, Parents: map[string]string{
			"cpu": "/sys/fs/cgroup", "cpuacct": "/sys/fs/cgroup", "memory": "/sys/fs/cgroup"},
			Roots: []string{"/sys/fs/cgroup"}}, false},
		{"v2 without controllers", unifiedV2, self[4:], noV2, Hierarchy{}, true},
		{"nothing", "", nil, noV2, Hierarchy{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mounts, err := ParseMountinfo(strings.NewReader(tt.mounts))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Resolve(mounts, tt.self, tt.v2)
			if tt.err {
				if err == nil {
					t.Fatalf("want an error, got %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseKV(t *testing.T) {
	got := ParseKV([]byte("usage_usec 1500\nuser_usec 1000\nsome avg10=0.00\n\nbad x\noom_kill 2\n"))
	want := map[string]uint64{"usage_usec": 1500, "user_usec": 1000, "oom_kill": 2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{"asg-1": "asg-1", "a/b c": "a_b_c", "": "_", "..": "_", "x.y_z": "x.y_z"} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}
