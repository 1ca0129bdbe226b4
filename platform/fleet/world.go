package fleet

import "github.com/deploybench/deploybench/platform"

// World is what a platform model needs from the world it runs in: live runs pass the wall
// clock and a live.Driver; the simulator passes its virtual clock and modelled machines.
type World struct {
	// Clock is the time source; nil means platform.WallClock.
	Clock platform.Clock
	// Driver starts instances' apps. Required.
	Driver Driver
	// Credits makes credit accounts for burstable types; nil disables the credit model
	// (burstable instances then always get their full vCPUs, and the report should say so).
	Credits CreditsFactory
	// OnEvent, if set, receives every platform event as it happens.
	OnEvent func(platform.Event)
}

// ClockOrWall returns w.Clock, or the wall clock when it is nil.
func (w World) ClockOrWall() platform.Clock {
	if w.Clock == nil {
		return platform.WallClock{}
	}
	return w.Clock
}
