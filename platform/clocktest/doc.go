// Package clocktest provides a fake platform.Clock whose time moves only when a test (or
// the simulator's event loop) says so. Control-plane code — load balancer health checks,
// deregistration delays, autoscaling periods, cooldowns — schedules its work with
// Clock.AfterFunc; with this clock those callbacks run synchronously, in time order, inside
// Advance, Set or Step, so a test can walk through minutes of platform time in
// microseconds and assert exactly what happened at each instant, without sleeping.
//
// The simulator can reuse it as its virtual clock: Next tells when the next event is due
// and Step jumps there and runs it.
package clocktest
