package runtime

import "syscall"

// sysProcAttr puts the app in its own process group (so Stop signals it and everything
// it forked) and has the kernel kill it if deploybench dies (Pdeathsig), so nothing
// outlives a crashed or killed run. Pdeathsig fires when the OS thread that started the
// child exits; the Go runtime does not end its threads in normal operation, so in
// practice that is when deploybench exits. cgroupFD >= 0 starts the child directly inside
// that cgroup v2 group (clone3 with CLONE_INTO_CGROUP), so no app instruction ever runs
// outside its limits.
func sysProcAttr(cgroupFD int) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if cgroupFD >= 0 {
		a.UseCgroupFD = true
		a.CgroupFD = cgroupFD
	}
	return a
}
