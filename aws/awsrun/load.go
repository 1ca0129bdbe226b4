package awsrun

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/load/threshold"
	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
	"gopkg.in/yaml.v3"
)

// loadPhase is one load of the scenario; name is empty for a scenario without phases.
type loadPhase struct {
	name string
	cfg  load.Config
}

// loadPhases decodes the scenario's load (or each phase's) the way a local run does, and
// points it at the app's path; bodies, if not empty, is a directory of digit images the
// built-in app's requests carry.
func loadPhases(s *scenario.Scenario, bodies string) ([]loadPhase, error) {
	one := func(n *yaml.Node, path string) (load.Config, error) {
		var c load.Config
		if err := scenario.DecodeStrict(n, &c); err != nil {
			return c, fmt.Errorf("%w: %s: %v", scenario.ErrInvalid, path, err)
		}
		c.Body, c.Trace = s.Resolve(c.Body), s.Resolve(c.Trace)
		if s.App.Builtin != "" && c.Body == "" && bodies != "" {
			c.Body = bodies
			if c.Headers == nil {
				c.Headers = map[string]string{}
			}
			c.Headers["Content-Type"] = "image/png"
		}
		if c.Path == "" {
			c.Path = s.App.Path
			if c.Path == "" && s.App.Builtin != "" {
				c.Path = "/predict"
			}
		}
		if err := c.Validate(); err != nil {
			return c, fmt.Errorf("%w: %s: %s", scenario.ErrInvalid, path, strings.TrimPrefix(err.Error(), "load: "))
		}
		return c, nil
	}
	if len(s.Phases) == 0 {
		c, err := one(&s.Load, "load")
		return []loadPhase{{cfg: c}}, err
	}
	var out []loadPhase
	for i := range s.Phases {
		c, err := one(&s.Phases[i].Load, fmt.Sprintf("phases[%d].load", i))
		if err != nil {
			return nil, err
		}
		out = append(out, loadPhase{s.Phases[i].Name, c})
	}
	return out, nil
}

// closedRate is the request rate assumed per closed-model user when planning: one
// request per 100 ms including think time (an assumption for the estimate only).
const closedRate = 10

// planned returns how long a load is expected to last and how many requests it sends;
// for the estimate only.
func planned(c load.Config) (time.Duration, float64) {
	d := c.Duration.D()
	switch c.Kind() {
	case load.ConstantRate:
		if c.Requests > 0 && c.Rate > 0 {
			return time.Duration(float64(c.Requests) / c.Rate * float64(time.Second)), float64(c.Requests)
		}
		return d, c.Rate * d.Seconds()
	case load.RampingRate:
		var total time.Duration
		n, from := 0.0, c.StartRate
		for _, st := range c.Stages {
			n += (from + st.Target) / 2 * st.Duration.D().Seconds()
			total += st.Duration.D()
			from = st.Target
		}
		return total, n
	case load.Closed:
		if c.Requests > 0 {
			return time.Duration(float64(c.Requests) / float64(max(c.VUs, 1)*closedRate) * float64(time.Second)), float64(c.Requests)
		}
		return d, float64(c.VUs*closedRate) * d.Seconds()
	case load.BatchParallel:
		if c.Batch != nil {
			n := float64(c.Batch.Parallel * c.Batch.Repeats)
			return max(d, time.Duration(c.Batch.Repeats)*(time.Second+c.Batch.Pause.D())), n
		}
	}
	// A trace: its length is only known once read; a minute is assumed.
	return time.Minute, 0
}

// rowName names a platform's report row for a phase, as local runs do.
func rowName(platform, phase string) string {
	if phase == "" {
		return platform
	}
	return platform + " @ " + phase
}

// loadTimes is when a platform's load ran, for the CloudWatch window.
type loadTimes struct{ start, end time.Time }

// runLoads drives every phase against one endpoint, streaming each into its own
// platform directory, and returns the rows and when the load ran.
func runLoads(ctx context.Context, s *scenario.Scenario, dir *results.Dir, cs createdStack, phases []loadPhase, limit time.Duration, warmup int, out *lineWriter) ([]results.Platform, loadTimes) {
	lt := loadTimes{start: time.Now()}
	var rows []results.Platform
	if warmup > 0 && ctx.Err() == nil {
		c := phases[0].cfg
		w := load.Config{Executor: load.Closed, VUs: 1, Requests: int64(warmup), Method: c.Method, Headers: c.Headers, Body: c.Body, Path: c.Path, Timeout: c.Timeout}
		if r, err := load.Start(ctx, w, cs.endpoint, load.Options{}); err == nil {
			r.Wait()
		}
	}
	for i, ph := range phases {
		var events []platform.Event
		if i == 0 {
			events = stackEvents(cs.resources) // the stack's creation, once per platform
		}
		row := results.Platform{Name: rowName(cs.Platform, ph.name), Kind: cs.Kind, Size: sizeOf(s, cs.Platform), Runtime: "aws", Status: "ok", ScaleOutSeconds: -1}
		if ctx.Err() != nil {
			row.Status, row.Error = "partial", "interrupted before the load"
			rows = append(rows, row)
			continue
		}
		rows = append(rows, runPhase(ctx, s, dir, cs, ph, row, limit, events, out))
	}
	lt.end = time.Now()
	return rows, lt
}

func runPhase(ctx context.Context, s *scenario.Scenario, dir *results.Dir, cs createdStack, ph loadPhase, row results.Platform, limit time.Duration, events []platform.Event, out *lineWriter) results.Platform {
	pw, err := dir.Platform(row.Name)
	if err != nil {
		row.Status, row.Error = "failed", err.Error()
		return row
	}
	defer pw.Close()
	for _, e := range events {
		_ = pw.AddEvent(e)
	}
	lctx := ctx
	if limit > 0 {
		var cancel context.CancelFunc
		lctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	t0 := time.Now()
	r, err := load.Start(lctx, ph.cfg, cs.endpoint, load.Options{OnWindow: func(w load.Window) {
		_ = pw.AddPoint(results.Point{T: time.Since(t0).Seconds(), Requests: w.Requests, Errors: w.Errors,
			P50: w.Latency.P50, P95: w.Latency.P95, P99: w.Latency.P99})
	}})
	if err != nil {
		row.Status, row.Error = "failed", err.Error()
		return row
	}
	res := r.Wait()
	if res == nil {
		row.Status, row.Error = "failed", "the load produced no result"
		return row
	}
	_ = pw.WriteJSON("load.json", res)
	row.Requests, row.Errors, row.ErrorRate, row.RateAchieved = res.Requests, res.Errors, res.ErrorRate, res.RateAchieved
	l := res.Latency
	row.LatencyMs = results.Percentiles{P50: l.P50, P90: l.P90, P95: l.P95, P99: l.P99, Max: l.Max}
	switch {
	case ctx.Err() != nil:
		row.Status = "partial"
	case res.Partial && limit > 0:
		row.Notes = append(row.Notes, fmt.Sprintf("load stopped at the --load-limit of %s", limit))
	}
	if s.SLO != "" {
		if ths, err := threshold.Parse(s.SLO); err == nil {
			for _, v := range threshold.Check(ths, res) {
				row.SLOViolations = append(row.SLOViolations, v.String())
			}
		}
	}
	row.SLOMet = len(row.SLOViolations) == 0 && row.Status != "failed" && res.Requests > 0
	out.printf("  %s: %d requests, %d errors, p50 %.1f ms, p95 %.1f ms, %.1f req/s", row.Name, row.Requests, row.Errors, l.P50, l.P95, row.RateAchieved)
	return row
}

// sizeOf names a platform's size from its settings: instance type, task size or memory.
func sizeOf(s *scenario.Scenario, platform string) string {
	m := settingsOf(s, platform)
	for _, k := range []string{"instance_type", "size", "memory_mb", "memory"} {
		if v, ok := m[k]; ok {
			return fmt.Sprint(v)
		}
	}
	if cpu, ok := m["cpu"]; ok {
		return fmt.Sprintf("%v vCPU", cpu)
	}
	return ""
}
