package report

import (
	"fmt"
	"html/template"
	"io"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/results"
)

// HTML writes report.html: self-contained (inline CSS and SVG, no script, no external
// asset), so it opens offline and can be mailed as one file.
func HTML(w io.Writer, l *results.Loaded) error {
	run := l.Run
	d := htmlData{Run: run, Rec: Recommend(run), Scenario: string(l.Scenario)}
	for _, p := range run.Platforms {
		d.Rows = append(d.Rows, htmlRow{P: p, P50: ms(p.LatencyMs.P50), P95: ms(p.LatencyMs.P95), P99: ms(p.LatencyMs.P99),
			Err: pct(p.ErrorRate), ScaleOut: duration(p.ScaleOutSeconds), Billed: duration(p.BilledSeconds),
			RunCost: money(p.RunCost), Hourly: money(p.HourlyAtPeak), PerM: money(p.PerMillion), Monthly: money(p.Monthly)})
		d.Platforms = append(d.Platforms, platformCharts(p, l.Timelines[p.Name], l.Events[p.Name]))
	}
	d.Startup = startupHTML(StartupRows(run, l.Events))
	d.Scatter = template.HTML(scatter(run).render())
	if run.BreakEven != nil && len(run.BreakEven.Traffic) > 0 {
		d.BreakEven = template.HTML(breakEvenChart(run.BreakEven).render())
	}
	return pageTmpl.Execute(w, d)
}

type htmlData struct {
	Run       results.Run
	Rec       Recommendation
	Rows      []htmlRow
	Platforms []htmlPlatform
	Scatter   template.HTML
	BreakEven template.HTML
	Startup   template.HTML
	Scenario  string
}

type htmlRow struct {
	P                                                                    results.Platform
	P50, P95, P99, Err, ScaleOut, Billed, RunCost, Hourly, PerM, Monthly string
}

type htmlPlatform struct {
	Name   string
	Charts []template.HTML
	Events []platform.Event
	More   int
}

const maxEventsShown = 40

func platformCharts(p results.Platform, pts []results.Point, evs []platform.Event) htmlPlatform {
	n := len(pts)
	t := make([]float64, n)
	p50, p95, p99 := make([]float64, n), make([]float64, n), make([]float64, n)
	capa, pend, cpu, cost, rate := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i, pt := range pts {
		t[i] = pt.T
		p50[i], p95[i], p99[i] = pt.P50, pt.P95, pt.P99
		capa[i], pend[i], cpu[i], cost[i] = float64(pt.Capacity), float64(pt.Pending), pt.CPU, pt.CostSoFar
		rate[i] = float64(pt.Requests)
	}
	hp := htmlPlatform{Name: p.Name}
	add := func(c chart) { hp.Charts = append(hp.Charts, template.HTML(c.render())) }
	add(chart{Title: p.Name + ": latency", XLabel: "seconds", YLabel: "ms", YMin0: true,
		Lines: []chartLine{{Label: "p50", X: t, Y: p50}, {Label: "p95", X: t, Y: p95}, {Label: "p99", X: t, Y: p99}}})
	add(chart{Title: p.Name + ": requests/s and capacity", XLabel: "seconds", YLabel: "req/s", YMin0: true,
		Lines: []chartLine{{Label: "requests/s", X: t, Y: rate}}})
	add(chart{Title: p.Name + ": capacity", XLabel: "seconds", YLabel: "instances / tasks / environments", YMin0: true,
		Lines: []chartLine{{Label: "in service", X: t, Y: capa, Step: true}, {Label: "pending", X: t, Y: pend, Step: true}}})
	add(chart{Title: p.Name + ": CPU (% of allowance)", XLabel: "seconds", YLabel: "%", YMin0: true,
		Lines: []chartLine{{Label: "average CPU", X: t, Y: cpu}}})
	add(chart{Title: p.Name + ": cost accrued", XLabel: "seconds", YLabel: "$", YMin0: true,
		Lines: []chartLine{{Label: "cost so far", X: t, Y: cost}}})
	hp.Events = evs
	if len(evs) > maxEventsShown {
		hp.Events = evs[:maxEventsShown]
		hp.More = len(evs) - maxEventsShown
	}
	return hp
}

func scatter(run results.Run) chart {
	c := chart{Title: "Latency vs cost", XLabel: "p95 latency (ms)", YLabel: "$ per million requests", Points: true, YMin0: true}
	if run.Assumptions.TrafficPerMonth > 0 {
		c.YLabel = "$ per month (projected)"
	}
	for _, p := range run.Platforms {
		if p.Requests == 0 {
			continue
		}
		y := p.PerMillion
		if run.Assumptions.TrafficPerMonth > 0 {
			y = p.Monthly
		}
		c.Lines = append(c.Lines, chartLine{Label: p.Name, X: []float64{p.LatencyMs.P95}, Y: []float64{y}})
	}
	return c
}

func breakEvenChart(be *results.BreakEven) chart {
	c := chart{Title: "Monthly cost vs traffic (break-even)", XLabel: "requests per month (log scale)", YLabel: "$ per month", LogX: true, YMin0: true}
	for _, s := range be.Series {
		c.Lines = append(c.Lines, chartLine{Label: s.Label, X: be.Traffic, Y: s.Values})
	}
	return c
}

var pageTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"ts": func(e platform.Event) string { return e.At.UTC().Format("15:04:05.000") },
	"f":  func(v float64) string { return fmt.Sprintf("%g", v) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>deploybench: {{.Run.Scenario}}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}.bad{color:#b00}.good{color:#070}
.rec{background:#f3f8ff;border-left:4px solid #1f77b4;padding:10px 14px}.charts{display:flex;flex-wrap:wrap;gap:8px}
pre{background:#f7f7f7;padding:10px;overflow:auto;font-size:12px}.partial{background:#fff3cd;padding:8px}
</style></head><body>
<h1>deploybench: {{.Run.Scenario}}{{if eq .Run.Mode "simulated"}} (simulated){{end}}</h1>
{{if .Run.Partial}}<p class="partial">This run was interrupted: the figures below cover only what was measured.</p>{{end}}
{{with .Run.Description}}<p>{{.}}</p>{{end}}
<div class="rec">{{if .Rec.Choice}}<b>Recommendation: {{.Rec.Choice}}</b> — {{.Rec.Reason}}{{else}}<b>No recommendation</b> — {{.Rec.Reason}}{{end}}
{{with .Rec.RunnerUp}}<br>Runner-up: {{.}}{{end}}
{{if .Rec.Flips}}<ul>{{range .Rec.Flips}}<li>{{.}}</li>{{end}}</ul>{{end}}</div>
<h2>Comparison</h2>
<table><tr><th>platform</th><th>size</th><th>runtime</th><th>requests</th><th>p50</th><th>p95</th><th>p99</th><th>errors</th><th>cold starts</th><th>scale-out</th><th>peak</th><th>billed</th><th>run cost</th><th>$/h at peak</th><th>$/M req</th><th>$/month</th><th>SLO</th></tr>
{{range .Rows}}<tr><td>{{.P.Name}}</td><td>{{.P.Size}}</td><td>{{.P.Runtime}}</td><td>{{.P.Requests}}</td><td>{{.P50}}</td><td>{{.P95}}</td><td>{{.P99}}</td><td>{{.Err}}</td><td>{{.P.ColdStarts}}</td><td>{{.ScaleOut}}</td><td>{{.P.PeakCapacity}}</td><td>{{.Billed}}</td><td>{{.RunCost}}</td><td>{{.Hourly}}</td><td>{{.PerM}}</td><td>{{.Monthly}}</td>
<td>{{if eq .P.Status "failed"}}<span class="bad">failed</span>{{else if .P.SLOMet}}<span class="good">met</span>{{else}}<span class="bad">missed</span>{{end}}</td></tr>
{{end}}</table>
{{range $r := .Rows}}{{if .P.Error}}<p class="bad">{{.P.Name}}: {{.P.Error}}</p>{{end}}{{range $r.P.Notes}}<p>{{$r.P.Name}}: {{.}}</p>{{end}}{{if .P.SLOViolations}}<p>{{.P.Name}} missed: {{range .P.SLOViolations}}{{.}}; {{end}}</p>{{end}}{{end}}
{{.Startup}}<h2>Assumptions</h2>
<ul><li>Mode: {{.Run.Mode}}; SLO: {{or .Run.SLO "none"}}; load: {{or .Run.Load "-"}}</li>
<li>Timescale: {{f .Run.Assumptions.Timescale}}× — control-plane delays (boot, alarm periods, cooldowns, warm-up, keep-alive) divided by it; request service time is real; instances and tasks are billed for uncompressed platform time (timescale × wall time), and $/M requests is the bill's hourly rate over the measured requests per hour</li>
<li>One emulated vCPU = {{f .Run.Assumptions.VCPUFraction}} of a host core; limits: {{or .Run.Assumptions.Limits "-"}}</li>
<li>Prices: {{.Run.Assumptions.Region}}, {{or .Run.Assumptions.PriceSource "-"}}, {{or .Run.Assumptions.PriceDate "-"}}</li>
{{with .Run.Assumptions.Traffic}}<li>Monthly cost projected for: {{.}}</li>{{end}}</ul>
<h2>Latency vs cost</h2>
<div class="charts">{{.Scatter}}{{.BreakEven}}</div>
{{range .Platforms}}<h2>{{.Name}}</h2><div class="charts">{{range .Charts}}{{.}}{{end}}</div>
{{if .Events}}<details><summary>Events</summary><table><tr><th>time (UTC)</th><th>event</th><th>instance</th><th>detail</th></tr>
{{range .Events}}<tr><td>{{ts .}}</td><td>{{.Kind}}</td><td>{{.Instance}}</td><td style="text-align:left">{{.Detail}}</td></tr>{{end}}</table>{{if .More}}<p>… and {{.More}} more in events.jsonl</p>{{end}}</details>{{end}}
{{end}}
{{with .Scenario}}<h2>Scenario</h2><pre>{{.}}</pre>{{end}}
<p style="color:#888;font-size:11px">Generated by deploybench from run.json and the per-platform timelines; rebuild with <code>deploybench report DIR</code>.</p>
</body></html>
`))
