// Package runtime starts instances of the app under test for real. A Backend turns a Spec
// (command or image, emulated vCPUs, memory) into a running Instance with its own CPU and
// memory limits and reports the resources it actually used. The process backend (this
// package) runs OS processes in cgroups; a container backend implements the same
// interfaces, so the platform models never know which one runs them.
//
// Place in the architecture: the runner builds a backend and hands it to the live fleet
// driver (platform/fleet/live), which starts one Instance per EC2 instance or task. The
// platform models only see the fleet's own interfaces; the simulator implements those
// without starting anything. Subpackages: cgroup writes the control-group files, burst is
// the CPU-credit model of burstable types shared with the simulator.
//
// Emulated vCPUs: one emulated vCPU is VCPUFraction of a host core (default 0.25), so a
// fleet of several instances fits a small machine; an instance of 2 vCPUs gets a CPU
// quota of 0.5 host cores. Utilisation is measured against that allowance, as
// CloudWatch's CPUUtilization is against an instance's vCPUs.
//
// Without cgroups (not root, no cgroup filesystem, or DEPLOYBENCH_NO_CGROUPS=1) the
// backend still runs and measures, but only suggests limits (GOMAXPROCS, GOMEMLIMIT);
// Limits says so and the runner prints it.
package runtime
