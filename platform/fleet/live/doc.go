// Package live is the live world's side of the fleet: a fleet.Driver that starts each
// instance's app as a real instance of a runtime backend (an OS process in its own cgroup,
// or a container). It is the only package under platform that imports runtime; the
// simulator provides its own Driver, and the platform models never know which one runs.
package live
