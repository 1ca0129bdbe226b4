// Package lb is the Application Load Balancer model: a target registry with ALB target
// states (initial, healthy, unhealthy, draining, unused), the ALB routing algorithms
// (round robin, least outstanding requests, weighted random; slow start), health checks,
// deregistration delay, fail-open routing, per-target statistics and the LCU inputs the
// bill is computed from.
//
// It is pure decision logic, written once for both worlds of the architecture. Time comes
// from a platform.Clock (health-check intervals and timeouts, deregistration delays, slow
// start) and health from a Prober; the Balancer starts no goroutine, so under a virtual
// clock it is deterministic. The simulator drives it with a Prober that looks at a
// modelled instance and routes with Pick and Release — no HTTP involved. The live front
// door, package frontdoor, routes real requests with Acquire and Lease and probes real
// instances over HTTP.
//
// Every AWS default lives in defaults.go with its source. Control-plane durations are
// divided by Config.Timescale; request-path timeouts (frontdoor) never are, because
// request service time is not compressed.
package lb
