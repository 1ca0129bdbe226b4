// Package sim is deploybench's discrete-event simulator. It runs the same platform models
// as live runs (platform/ec2, platform/asg: their fleets, load balancers and autoscaling
// controllers) on a virtual clock, with modelled machines in place of real processes, so
// that a month of production traffic takes seconds instead of a month.
//
// The pieces, one file each:
//   - engine.go: the virtual clock (platform.Clock) and its event heap. Time is an int64
//     nanosecond offset; ties break in scheduling order, so runs repeat exactly.
//   - machine.go: a modelled instance (fleet.EventMachine): processor sharing over the
//     instance's CPU allowance, each request capped at one core, CPU time reported as
//     cumulative emulated vCPU-seconds through Sample, exactly as the live sampler sees it.
//   - calibration.go: per-request service times and start-up time measured for real by
//     `deploybench calibrate`; the built-in classifier's ship embedded.
//   - arrivals.go, traffic.go: arrivals from the scenario's load (open, closed, ramps,
//     batches, traces) and long-horizon shapes (diurnal, weekly, flash crowd).
//   - request.go: per-request mode, every request routed by the platform's own balancer.
//   - aggregate.go: the fluid mode for long horizons, one step per second per target.
//   - run.go: the results directory, in the live format with mode "simulated".
//   - validate.go: the side-by-side comparison with a live results directory.
//
// The simulator starts no process and no goroutine per request; sim imports platform,
// never the other way round.
package sim
