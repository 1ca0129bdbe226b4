// Package results defines the on-disk results of a comparison run — live or simulated —
// and reads and writes them. The runner and the simulator stream into a results directory
// while they measure; the report package reads it back, so `deploybench report DIR`
// rebuilds a report without re-running anything.
//
// Layout of a results directory:
//
//	run.json                 the run's metadata and per-platform summaries (rewritten as
//	                         each platform finishes; "partial": true until the run ends)
//	scenario.yaml            the scenario as run
//	<platform>/timeline.csv  one row per second: latency percentiles, rate, errors,
//	                         capacity, CPU, cost so far (appended while measuring)
//	<platform>/events.jsonl  control-plane events (appended while measuring)
//	<platform>/load.json     the load generator's full result
//	<platform>/bill.json     the itemised bill
//	summary.json, summary.csv, report.html   written by the report
package results
