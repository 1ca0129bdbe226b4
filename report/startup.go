package report

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/results"
)

// StartupEventKind is the kind of the event the runner records when an instance, task or
// execution environment becomes ready: its start-up split into parts (see StartupSplit).
const StartupEventKind = "startup"

// StartupSplit is one instance's start-up in the parts the report shows: the image pull
// the platform models (Fargate on every task, ECS on EC2 for the first task on an
// instance; none on EC2 and Lambda), then create (the runtime making the container or
// process: for docker, image inspect + create + start) and app (from there to the first
// healthy answer), both measured. Pull is in platform (AWS) time — the run waits for it
// divided by the timescale — while create and app are real and never compressed.
type StartupSplit struct {
	// Runtime is the backend that ran the instance: "process" or "docker".
	Runtime string
	// Pulls is false where the platform pulls no image (EC2, Lambda); Pull is then 0.
	Pulls bool
	Pull  time.Duration
	// Create and App are measured.
	Create, App time.Duration
}

// Detail is the event detail the runner writes, e.g.
// "runtime=docker pull=34.42s create=118ms app=452ms"; ParseStartup reads it back.
func (s StartupSplit) Detail() string {
	var b strings.Builder
	b.WriteString("runtime=" + s.Runtime)
	if s.Pulls {
		b.WriteString(" pull=" + s.Pull.Round(time.Millisecond).String())
	}
	b.WriteString(" create=" + s.Create.Round(100*time.Microsecond).String())
	b.WriteString(" app=" + s.App.Round(100*time.Microsecond).String())
	return b.String()
}

// ParseStartup reads a startup event's detail (see Detail). Unknown keys are ignored so
// that later fields do not break older readers; create and app are required.
func ParseStartup(detail string) (StartupSplit, error) {
	var s StartupSplit
	var haveCreate, haveApp bool
	for _, f := range strings.Fields(detail) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return s, fmt.Errorf("startup event: %q is not key=value", f)
		}
		if k == "runtime" {
			s.Runtime = v
			continue
		}
		var d *time.Duration
		switch k {
		case "pull":
			d, s.Pulls = &s.Pull, true
		case "create":
			d, haveCreate = &s.Create, true
		case "app":
			d, haveApp = &s.App, true
		default:
			continue
		}
		x, err := time.ParseDuration(v)
		if err != nil || x < 0 {
			return s, fmt.Errorf("startup event: %s=%q is not a duration >= 0", k, v)
		}
		*d = x
	}
	if !haveCreate || !haveApp {
		return s, fmt.Errorf("startup event: %q lacks create= or app=", detail)
	}
	return s, nil
}

// StartupRow is one platform's start-up split over all its instances: median and
// maximum of each part.
type StartupRow struct {
	Platform string
	// Runtime is the backend that ran the platform (from its startup events, else from
	// the run's record).
	Runtime string
	// Count is how many instances became ready.
	Count int
	// Pulls is false when the platform pulls no image.
	Pulls                bool
	PullP50, PullMax     time.Duration
	CreateP50, CreateMax time.Duration
	AppP50, AppMax       time.Duration
}

// StartupRows summarises the startup events of each platform of the run, in the run's
// order; platforms without any are left out.
func StartupRows(run results.Run, events map[string][]platform.Event) []StartupRow {
	var rows []StartupRow
	for _, p := range run.Platforms {
		var pull, create, app []time.Duration
		r := StartupRow{Platform: p.Name, Runtime: p.Runtime}
		for _, e := range events[p.Name] {
			if e.Kind != StartupEventKind {
				continue
			}
			s, err := ParseStartup(e.Detail)
			if err != nil {
				continue
			}
			if s.Runtime != "" {
				r.Runtime = s.Runtime
			}
			if s.Pulls {
				r.Pulls = true
				pull = append(pull, s.Pull)
			}
			create, app = append(create, s.Create), append(app, s.App)
		}
		if len(create) == 0 {
			continue
		}
		r.Count = len(create)
		r.PullP50, r.PullMax = medianMax(pull)
		r.CreateP50, r.CreateMax = medianMax(create)
		r.AppP50, r.AppMax = medianMax(app)
		rows = append(rows, r)
	}
	return rows
}

// medianMax is the median (the lower middle of an even count) and the maximum.
func medianMax(d []time.Duration) (time.Duration, time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)/2], s[len(s)-1]
}

// StartupNote is what the start-up table says about its columns, once.
const StartupNote = "pull is modelled from the image's compressed size at the registry throughput " +
	"(platform time; Fargate pulls for every task, ECS on EC2 for the first task on an instance, EC2 and Lambda pull none); " +
	"create (the runtime making the container or process) and app (create done → first healthy answer) are measured. " +
	"Runtime \"process\" means a local process, not a container: its create is a fork/exec, not an image unpack."

// StartupTable writes the start-up split of every platform that recorded one; nothing
// when none did.
func StartupTable(w io.Writer, rows []StartupRow) error {
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nStart-up split (median / max per instance, task or environment):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "platform\truntime\tstarts\tpull (modelled)\tcreate\tapp start\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t\n", r.Platform, r.Runtime, r.Count,
			r.pullText(), pair(r.CreateP50, r.CreateMax), pair(r.AppP50, r.AppMax))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, StartupNote)
	return err
}

func (r StartupRow) pullText() string {
	if !r.Pulls {
		return "none"
	}
	return pair(r.PullP50, r.PullMax)
}

// pair renders "median / max".
func pair(p50, mx time.Duration) string { return startDur(p50) + " / " + startDur(mx) }

// startDur renders a start-up duration at a precision that suits it.
func startDur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// startupHTML is the report page's start-up section.
func startupHTML(rows []StartupRow) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<h2>Start-up split</h2>\n<table>\n<tr><th>platform</th><th>runtime</th><th>starts</th><th>pull (modelled)</th><th>create</th><th>app start</th></tr>\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			template.HTMLEscapeString(r.Platform), template.HTMLEscapeString(r.Runtime), r.Count,
			template.HTMLEscapeString(r.pullText()), template.HTMLEscapeString(pair(r.CreateP50, r.CreateMax)),
			template.HTMLEscapeString(pair(r.AppP50, r.AppMax)))
	}
	b.WriteString("</table>\n<p class=\"note\">Median / max. " + template.HTMLEscapeString(StartupNote) + "</p>\n")
	return template.HTML(b.String())
}
