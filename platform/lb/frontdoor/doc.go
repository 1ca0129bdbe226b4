// Package frontdoor is the live side of the ALB model: an HTTP reverse proxy on loopback
// that asks an lb.Balancer for a target per request, and HTTPProber, the ALB-style HTTP
// health check of real instances.
//
// The proxy answers as an ALB does: 503 when no target can take the request, 502 when
// the target refuses or resets the connection, 504 when it does not connect or answer
// within the target timeout, 460 (logged only) when the client leaves first. It closes
// client connections idle for the idle timeout, cuts requests on a target whose
// deregistration delay expired, and feeds the balancer's statistics and LCU recorder
// (connections, processed bytes, requests). The simulator never imports this package.
package frontdoor
