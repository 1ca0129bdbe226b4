package cgroup

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCloneIntoV2Group checks the race-free start the process backend uses under cgroup
// v2: a child cloned with SysProcAttr.CgroupFD from OpenFD is born in the group. It needs
// a cgroup2 mount; on a hybrid host the (controller-less) unified mount is enough.
func TestCloneIntoV2Group(t *testing.T) {
	mi, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	mounts, err := ParseMountinfo(mi)
	mi.Close()
	if err != nil {
		t.Fatal(err)
	}
	root := ""
	for _, m := range mounts {
		if m.V2 {
			root = m.Point
		}
	}
	if root == "" {
		t.Skip("skipping: no cgroup2 mount")
	}
	name := fmt.Sprintf("deploybench-clonetest-%d", os.Getpid())
	dir := filepath.Join(root, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("skipping: cannot create a cgroup2 group: %v", err)
	}
	g := &v2Group{dir: dir}
	defer g.Remove()
	fd, err := g.OpenFD()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: int(fd.Fd()), Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	fd.Close()
	if err != nil {
		t.Skipf("skipping: clone3 into a cgroup refused by this kernel: %v", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "0::/"+name+"\n") {
		t.Errorf("child's cgroups:\n%s\nwant it born in /%s", b, name)
	}
}
