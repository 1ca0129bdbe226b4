package platform

import "time"

// Clock is the only source of time for control-plane code (load balancer health checks,
// autoscaling, lifecycles, billing). Live runs use WallClock; tests use a fake clock and
// the simulator a virtual one, so the same control code runs in every world.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine (live) or event (simulated) once d has
	// elapsed, unless the returned Timer is stopped first.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not run yet and reports whether it did so.
	Stop() bool
}

// WallClock is the real clock, used by live runs.
type WallClock struct{}

// Now returns time.Now().
func (WallClock) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (WallClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
