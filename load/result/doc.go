// Package result is the data a load run produces: the Result with its per-stage and
// per-second series, its JSON and CSV forms and the end-of-run summary table. It has no
// HTTP or scheduling code, so the report and the runner can read saved results without
// the load engine; package load fills it and re-exports its types.
package result
