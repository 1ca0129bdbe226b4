// Package cgroup creates and reads Linux control groups for the process backend of package
// runtime: one group per app instance under one group per deploybench run, with a CPU
// quota (the instance's emulated vCPUs as a share of host cores) and a memory limit, and
// the accounting the autoscaler consumes (cumulative CPU time, current memory, OOM kills).
//
// It writes the controller files directly — a few lines per file — for both layouts found
// in practice: cgroup v1 (one hierarchy per controller: cpu, cpuacct, memory, possibly
// co-mounted as cpu,cpuacct) and cgroup v2 (one unified hierarchy: cpu.max, memory.max).
// Nothing here starts processes; package runtime decides when a pid joins a group.
//
// Where groups go: under v1 a run's groups are nested below the cgroup deploybench itself
// runs in (so whatever limits its session has still apply to the apps it starts); under v2
// they go below the root of the mounted hierarchy, because v2 forbids enabling controllers
// for children of a group that holds processes, which deploybench's own group does. In a
// container whose cgroup namespace root holds its processes that is impossible too;
// NewRun then fails and the runtime falls back to running without cgroups, saying why.
package cgroup
