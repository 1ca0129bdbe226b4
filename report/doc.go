// Package report turns a results directory (live or simulated) into what people read: a
// terminal table in the shape of the reference studies, summary.json/CSV for machines,
// a self-contained report.html with SVG charts, and a recommendation — the cheapest
// platform that met the SLO, the runner-up, and when the answer flips. It depends only on
// the results package, so reports rebuild from disk without re-running anything.
package report
