// Package lb is the Application Load Balancer model: a target registry with ALB target
// states (initial, healthy, unhealthy, draining, unused), the ALB routing algorithms,
// health checks, deregistration delay, fail-open routing, per-target statistics and the
// LCU inputs the bill is computed from.
//
// Its decision logic is written once and runs in both worlds of the architecture:
//
//   - Balancer is pure control logic. Time comes from a platform.Clock (health-check
//     intervals and timeouts, deregistration delays) and health comes from a Prober. The
//     simulator drives it with a virtual clock and a Prober that looks at a modelled
//     instance; Pick and Release are its whole data path, no HTTP involved.
//   - Proxy is the live front door: an HTTP reverse proxy that asks the same Balancer for
//     a target per request and answers 502/503/504 as an ALB does. HTTPProber checks real
//     instances with HTTP GETs.
//
// Every AWS default lives in defaults.go with its source; control-plane durations are
// divided by Config.Timescale, request-path timeouts never are (request service time is
// not compressed).
package lb
