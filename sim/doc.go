// Package sim is deploybench's discrete-event simulator. It runs the same platform models
// as live runs (platform/ec2, platform/asg, platform/ecsec2, platform/fargate,
// platform/ecsmi, platform/lambda: their fleets, ECS services and capacities, Lambda
// pools, load balancers, API Gateway admission and autoscaling controllers) on a virtual
// clock, with modelled machines in place of real processes, so
// that a month of production traffic takes seconds instead of a month.
//
// The pieces:
//   - sim/engine: the virtual clock (platform.Clock) over an event heap. Time is an int64
//     nanosecond offset; ties break in scheduling order, so runs repeat exactly. Also the
//     allocation-free latency histogram.
//   - machine.go, driver.go: a modelled instance (fleet.EventMachine): processor sharing
//     over the instance's CPU allowance under the live runs' CFS-quota model, each request
//     capped at one core, CPU time reported through Sample as cumulative emulated
//     vCPU-seconds, exactly as the live sampler sees it.
//   - sim/calibration: per-request latency, CPU and start-up time measured for real by
//     sim/calibrate (`deploybench calibrate`); the built-in classifier's ship embedded.
//   - arrivals.go and sim/traffic: arrivals from the scenario's load (open, closed, ramps,
//     batches, traces) and long-horizon shapes (diurnal, weekly, flash crowd).
//   - platforms.go, platforms_ecs.go, platforms_lambda.go: the live platform models built
//     on the simulator's world.
//   - request.go: per-request mode, every request routed by the platform's own balancer,
//     or for Lambda by API Gateway's admission and the pool's AcquireFunc/Release.
//   - aggregate.go, aggregate_lambda.go: the aggregated mode for long horizons, one step
//     per second.
//   - run.go, bill.go, summary.go: the results directory, in the live format with mode
//     "simulated".
//   - sim/validate: the side-by-side comparison with a live (or per-request) run.
//
// The simulator starts no process and no goroutine per request; sim imports platform,
// never the other way round.
package sim
