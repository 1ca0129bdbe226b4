//go:build !linux

package runtime

import "syscall"

// sysProcAttr puts the app in its own process group; outside Linux there is no parent-
// death signal and no cgroup, so Close is the only guard against orphans.
func sysProcAttr(cgroupFD int) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
