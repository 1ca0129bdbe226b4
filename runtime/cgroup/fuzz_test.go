package cgroup

import (
	"bytes"
	"testing"
)

func FuzzParseMountinfo(f *testing.F) {
	for _, s := range []string{hybridV1, comountedV1, containerV1, unifiedV2, `1 0 0:1 / /a\040b rw - cgroup2 x rw`, "x - y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mounts, err := ParseMountinfo(bytes.NewReader([]byte(s)))
		if err != nil {
			return
		}
		for _, m := range mounts {
			if m.V2 && len(m.Controllers) > 0 {
				t.Fatalf("v2 mount with v1 controllers: %+v", m)
			}
		}
	})
}

func FuzzParseProcCgroup(f *testing.F) {
	for _, s := range []string{"0::/\n", "4:memory:/a/b\n2:cpu,cpuacct:/\n", "1:name=systemd:/x", "::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ParseProcCgroup(bytes.NewReader([]byte(s)))
		if err != nil {
			return
		}
		for _, m := range ms {
			if len(m.Path) == 0 || m.Path[0] != '/' {
				t.Fatalf("relative path accepted: %+v", m)
			}
		}
	})
}

func FuzzParseKV(f *testing.F) {
	for _, s := range []string{"usage_usec 12\n", "oom_kill 1\nmax 3\n", "a b c\n", "x -1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = ParseKV(b)
	})
}
