package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/deploybench/deploybench/results"
)

// Comparison sets a local run (emulated or simulated on this machine) beside the same
// scenario measured on real AWS by `deploybench aws run`, platform by platform.
type Comparison struct {
	Local, AWS results.Run
	Pairs      []Pair
}

// Pair is one platform in both runs; Local or AWS is nil when the platform ran in only
// one of them.
type Pair struct {
	Name       string
	Local, AWS *results.Platform
}

// Delta is AWS minus local for the figures the comparison shows; Rel is the relative
// difference (AWS/local − 1), NaN when the local value is 0.
type Delta struct {
	P50, P95, P99, ErrorRate, Hourly, PerMillion, Peak, Requests float64
	RelP50, RelP95, RelP99, RelHourly, RelPerMillion             float64
}

// Delta returns the pair's differences; ok is false unless both sides ran.
func (p Pair) Delta() (d Delta, ok bool) {
	if p.Local == nil || p.AWS == nil {
		return d, false
	}
	l, a := p.Local, p.AWS
	d = Delta{
		P50: a.LatencyMs.P50 - l.LatencyMs.P50, P95: a.LatencyMs.P95 - l.LatencyMs.P95, P99: a.LatencyMs.P99 - l.LatencyMs.P99,
		ErrorRate: a.ErrorRate - l.ErrorRate, Hourly: a.HourlyAtPeak - l.HourlyAtPeak, PerMillion: a.PerMillion - l.PerMillion,
		Peak: float64(a.PeakCapacity - l.PeakCapacity), Requests: float64(a.Requests - l.Requests),
		RelP50: rel(a.LatencyMs.P50, l.LatencyMs.P50), RelP95: rel(a.LatencyMs.P95, l.LatencyMs.P95),
		RelP99: rel(a.LatencyMs.P99, l.LatencyMs.P99), RelHourly: rel(a.HourlyAtPeak, l.HourlyAtPeak),
		RelPerMillion: rel(a.PerMillion, l.PerMillion),
	}
	return d, true
}

func rel(a, l float64) float64 {
	if l == 0 {
		return math.NaN()
	}
	return a/l - 1
}

// Compare pairs the platforms of local and aws by name, in local's order with
// AWS-only platforms after. It refuses a pair of runs that are not local then AWS, or
// of different scenarios, naming the fix.
func Compare(local, aws results.Run) (*Comparison, error) {
	switch {
	case local.Source == results.SourceAWS && aws.Source != results.SourceAWS:
		return nil, fmt.Errorf("report: the first directory is an AWS run and the second a local one: give LOCAL_DIR first, then AWS_DIR")
	case aws.Source != results.SourceAWS:
		return nil, fmt.Errorf("report: the second directory is not from 'deploybench aws run' (run.json source %q, want %q): give LOCAL_DIR AWS_DIR", aws.Source, results.SourceAWS)
	case local.Source == results.SourceAWS:
		return nil, fmt.Errorf("report: both directories are AWS runs: give a local run (deploybench run or simulate) first")
	case local.Scenario != aws.Scenario:
		return nil, fmt.Errorf("report: the runs are of different scenarios (%q and %q): compare runs of the same scenario", local.Scenario, aws.Scenario)
	}
	c := &Comparison{Local: local, AWS: aws}
	index := map[string]int{}
	for i := range local.Platforms {
		p := &local.Platforms[i]
		index[p.Name] = len(c.Pairs)
		c.Pairs = append(c.Pairs, Pair{Name: p.Name, Local: p})
	}
	for i := range aws.Platforms {
		p := &aws.Platforms[i]
		if j, ok := index[p.Name]; ok && c.Pairs[j].AWS == nil {
			c.Pairs[j].AWS = p
			continue
		}
		c.Pairs = append(c.Pairs, Pair{Name: p.Name, AWS: p})
	}
	return c, nil
}

// signed formats a difference with its sign, by f, and the relative change when known.
func signed(v, relative float64, f func(float64) string) string {
	s := f(math.Abs(v))
	switch {
	case v > 0:
		s = "+" + s
	case v < 0:
		s = "-" + s
	}
	if !math.IsNaN(relative) && v != 0 {
		s += fmt.Sprintf(" (%+.0f%%)", relative*100)
	}
	return s
}

// ppoints formats an error-rate difference in percentage points.
func ppoints(v float64) string { return fmt.Sprintf("%+.2f pp", v*100) }

// compareCells are one row of the comparison in display form.
type compareCells struct {
	Platform, Source, Size, Requests, P50, P95, P99, Errors, Hourly, PerM, Peak, Status string
	Diff                                                                                bool
}

func sideCells(name, source string, p *results.Platform) compareCells {
	if p == nil {
		return compareCells{Platform: name, Source: source, Size: "-", Requests: "-", P50: "-", P95: "-", P99: "-",
			Errors: "-", Hourly: "-", PerM: "-", Peak: "-", Status: "not run"}
	}
	return compareCells{Platform: name, Source: source, Size: p.Size, Requests: strconv.FormatInt(p.Requests, 10),
		P50: ms(p.LatencyMs.P50), P95: ms(p.LatencyMs.P95), P99: ms(p.LatencyMs.P99), Errors: pct(p.ErrorRate),
		Hourly: money(p.HourlyAtPeak), PerM: money(p.PerMillion), Peak: strconv.Itoa(p.PeakCapacity), Status: p.Status}
}

// rows are the comparison's rows: local, AWS and, when both ran, the difference.
func (c *Comparison) rows() []compareCells {
	var out []compareCells
	for _, p := range c.Pairs {
		out = append(out, sideCells(p.Name, "local", p.Local), sideCells("", "aws", p.AWS))
		d, ok := p.Delta()
		if !ok {
			continue
		}
		out = append(out, compareCells{Source: "Δ aws−local", Size: "",
			Requests: signed(d.Requests, math.NaN(), func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }),
			P50:      signed(d.P50, d.RelP50, ms), P95: signed(d.P95, d.RelP95, ms), P99: signed(d.P99, d.RelP99, ms),
			Errors: ppoints(d.ErrorRate), Hourly: signed(d.Hourly, d.RelHourly, money), PerM: signed(d.PerMillion, d.RelPerMillion, money),
			Peak: signed(d.Peak, math.NaN(), func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }), Diff: true})
	}
	return out
}

// CompareTable writes the side-by-side table: per platform a local row, an AWS row and
// their difference, then what makes the two runs differ by construction.
func CompareTable(w io.Writer, c *Comparison) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "platform\tsource\tsize\trequests\tp50\tp95\tp99\terrors\t$/h peak\t$/M req\tpeak\tstatus\t")
	for _, r := range c.rows() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Platform, r.Source, r.Size, r.Requests,
			r.P50, r.P95, r.P99, r.Errors, r.Hourly, r.PerM, r.Peak, r.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range c.notes() {
		fmt.Fprintln(w, line)
	}
	return nil
}

// notes say what differs between the runs by construction, so a reader does not take
// an emulation artefact for an AWS effect.
func (c *Comparison) notes() []string {
	l, a := c.Local.Assumptions, c.AWS.Assumptions
	notes := []string{
		"",
		fmt.Sprintf("local: %s run, timescale %gx, 1 vCPU = %g host core, prices %s %s", c.Local.Mode, l.Timescale, l.VCPUFraction, l.Region, orDash(l.PriceDate)),
		fmt.Sprintf("aws:   measured on AWS in %s, load from this machine over the internet (latency includes the network path)", orDash(a.Region)),
	}
	if l.Region != a.Region && a.Region != "" {
		notes = append(notes, fmt.Sprintf("note: the runs priced different regions (%s and %s)", l.Region, a.Region))
	}
	if c.Local.Partial || c.AWS.Partial {
		notes = append(notes, "note: at least one run was interrupted: its figures cover only what was measured")
	}
	for _, p := range c.Pairs {
		switch {
		case p.Local == nil:
			notes = append(notes, fmt.Sprintf("%s: only in the AWS run", p.Name))
		case p.AWS == nil:
			notes = append(notes, fmt.Sprintf("%s: only in the local run", p.Name))
		}
	}
	return notes
}

// CompareCSV writes one row per platform and side plus the difference columns, for
// spreadsheets.
func CompareCSV(w io.Writer, c *Comparison) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"platform", "source", "kind", "size", "status", "requests", "error_rate", "p50_ms", "p95_ms", "p99_ms",
		"hourly_at_peak", "per_million", "peak_capacity"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	side := func(name, source string, p *results.Platform) {
		if p == nil {
			_ = cw.Write([]string{name, source, "", "", "not run", "", "", "", "", "", "", "", ""})
			return
		}
		_ = cw.Write([]string{name, source, p.Kind, p.Size, p.Status, strconv.FormatInt(p.Requests, 10), f(p.ErrorRate),
			f(p.LatencyMs.P50), f(p.LatencyMs.P95), f(p.LatencyMs.P99), f(p.HourlyAtPeak), f(p.PerMillion), strconv.Itoa(p.PeakCapacity)})
	}
	for _, p := range c.Pairs {
		side(p.Name, "local", p.Local)
		side(p.Name, "aws", p.AWS)
		if d, ok := p.Delta(); ok {
			_ = cw.Write([]string{p.Name, "aws-local", "", "", "", f(d.Requests), f(d.ErrorRate), f(d.P50), f(d.P95), f(d.P99),
				f(d.Hourly), f(d.PerMillion), f(d.Peak)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// CompareHTML writes compare.html: the side-by-side table and a p95 chart, self-contained
// like report.html.
func CompareHTML(w io.Writer, c *Comparison) error {
	ch := chart{Title: "p95 latency: local vs AWS", XLabel: "platform (1 = first)", YLabel: "ms", Points: true, YMin0: true}
	var lx, ly, ax, ay []float64
	for i, p := range c.Pairs {
		if p.Local != nil && p.Local.Requests > 0 {
			lx, ly = append(lx, float64(i+1)), append(ly, p.Local.LatencyMs.P95)
		}
		if p.AWS != nil && p.AWS.Requests > 0 {
			ax, ay = append(ax, float64(i+1)), append(ay, p.AWS.LatencyMs.P95)
		}
	}
	ch.Lines = []chartLine{{Label: "local", X: lx, Y: ly}, {Label: "aws", X: ax, Y: ay}}
	return compareTmpl.Execute(w, struct {
		C     *Comparison
		Rows  []compareCells
		Notes []string
		Chart template.HTML
	}{c, c.rows(), c.notes()[1:], template.HTML(ch.render())})
}

var compareTmpl = template.Must(template.New("compare").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>deploybench: {{.C.Local.Scenario}} — local vs AWS</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}tr.diff td{color:#555;font-style:italic;border-bottom:2px solid #ccc}
</style></head><body>
<h1>deploybench: {{.C.Local.Scenario}} — local vs AWS</h1>
<table><tr><th>platform</th><th>source</th><th>size</th><th>requests</th><th>p50</th><th>p95</th><th>p99</th><th>errors</th><th>$/h at peak</th><th>$/M req</th><th>peak</th><th>status</th></tr>
{{range .Rows}}<tr{{if .Diff}} class="diff"{{end}}><td>{{.Platform}}</td><td>{{.Source}}</td><td>{{.Size}}</td><td>{{.Requests}}</td><td>{{.P50}}</td><td>{{.P95}}</td><td>{{.P99}}</td><td>{{.Errors}}</td><td>{{.Hourly}}</td><td>{{.PerM}}</td><td>{{.Peak}}</td><td>{{.Status}}</td></tr>
{{end}}</table>
<ul>{{range .Notes}}{{if .}}<li>{{.}}</li>{{end}}{{end}}</ul>
<h2>p95 latency</h2>
<div>{{.Chart}}</div>
<p style="color:#888;font-size:11px">Generated by deploybench from the two results directories; rebuild with <code>deploybench report LOCAL_DIR AWS_DIR</code>.</p>
</body></html>
`))

// CompareFiles are the paths WriteCompare produced.
type CompareFiles struct {
	HTML, CSV string
}

// WriteCompare reads the local and AWS results directories and writes compare.html and
// compare.csv into outDir (atomically, like Write).
func WriteCompare(localDir, awsDir, outDir string) (*Comparison, CompareFiles, error) {
	l, err := results.Read(localDir)
	if err != nil {
		return nil, CompareFiles{}, err
	}
	a, err := results.Read(awsDir)
	if err != nil {
		return nil, CompareFiles{}, err
	}
	c, err := Compare(l.Run, a.Run)
	if err != nil {
		return nil, CompareFiles{}, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, CompareFiles{}, fmt.Errorf("report: %w", err)
	}
	f := CompareFiles{HTML: filepath.Join(outDir, "compare.html"), CSV: filepath.Join(outDir, "compare.csv")}
	var buf bytes.Buffer
	if err := CompareCSV(&buf, c); err != nil {
		return nil, f, err
	}
	if err := atomicWrite(f.CSV, buf.Bytes()); err != nil {
		return nil, f, err
	}
	buf.Reset()
	if err := CompareHTML(&buf, c); err != nil {
		return nil, f, fmt.Errorf("report: render compare HTML: %w", err)
	}
	return c, f, atomicWrite(f.HTML, buf.Bytes())
}
