// Package docker is the container runtime backend: each instance (an EC2 VM, an ECS or
// Fargate task) is one container run by a Docker Engine through its HTTP API, beside the
// process + cgroup backend of package runtime and behind the same runtime.Backend
// interface, so the platforms (through platform/fleet/live) never know which one runs
// their instances.
//
// Containers use the host network only, never the default bridge: the load balancer
// and the load generator reach every app on its own 127.0.0.1 port, passed in as the
// PORT variable and as "{port}" in the command. CPU is limited with NanoCPUs (vCPUs ×
// the emulated-vCPU fraction of a host core), memory with a hard limit and no swap.
// Every container carries the labels deploybench.run (which names the owner pid, so
// GC can tell a dead run), deploybench.platform and deploybench.role; Close and GC
// remove them.
//
// LambdaRIE is a view of the backend for Lambda handler images: each container runs the
// image's program behind the AWS Lambda Runtime Interface Emulator, which BuildRIE
// compiles from its Go module and the container gets by a read-only bind mount.
//
// The engine is the local one unless DOCKER_HOST names another; CPU and memory are
// sampled from the engine's one-shot stats, which works the same for a remote engine.
package docker
