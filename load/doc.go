// Package load is deploybench's load generator: the library the runner drives against
// each platform's front door and the engine behind `deploybench load`.
//
// A Config (YAML/JSON, embedded as-is in scenario files) picks one executor, one file
// each: closed virtual users with think time (closed.go), a constant or ramping arrival
// rate (constant_rate.go, ramping_rate.go), the reference studies' "N in parallel, K
// times" batches (batch.go) and trace replay (trace_replay.go). The open-model executors
// share one loop (open.go) that sleeps until each intended send time given by a
// schedule.Pacer and measures latency from that time, so a stalled server shows up as
// latency rather than as fewer requests (no coordinated omission); arrivals beyond
// max_inflight are counted as dropped, never delayed.
//
// The pieces underneath are packages of their own: schedule (when to send: rate
// profiles, uniform or seeded Poisson spacing, trace parsing), request (what to send and
// how it ended: a Requester over a tuned transport, outcome classes) and result (what a
// run produced: the Result with its JSON/CSV forms and summary table, which the report
// re-reads without the engine). This package records every answer in HDR histograms
// overall, per stage and per 1-second window (recorder.go), and Start returns a Run that
// streams windows and ends with a Result. Thresholds (k6-style "p95<200ms") live in
// load/threshold, separate from collection.
package load
