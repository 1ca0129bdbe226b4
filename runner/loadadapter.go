package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/load/threshold"
	"github.com/deploybench/deploybench/scenario"
	"gopkg.in/yaml.v3"
)

type loadConfigT = load.Config

// window is what the runner takes from each 1-second load window.
type window struct {
	Requests, Errors int64
	P50, P95, P99    float64
}

// loadResult is the load result plus the figures the summary needs.
type loadResult struct {
	raw                           *load.Result
	partial                       bool
	Requests, Errors              int64
	Rate                          float64
	P50, P90, P95, P99, Max, Mean float64
}

// loadPhases decodes and validates the scenario's load, or each of its phases.
func loadPhases(s *scenario.Scenario) ([]phase, error) {
	if len(s.Phases) == 0 {
		c, err := loadConfig(s, &s.Load, "load")
		return []phase{{load: c}}, err
	}
	var out []phase
	for i := range s.Phases {
		c, err := loadConfig(s, &s.Phases[i].Load, fmt.Sprintf("phases[%d].load", i))
		if err != nil {
			return nil, err
		}
		out = append(out, phase{name: s.Phases[i].Name, load: c})
	}
	return out, nil
}

// loadConfig decodes and validates one load section; path names it in errors.
func loadConfig(s *scenario.Scenario, n *yaml.Node, path string) (load.Config, error) {
	var c load.Config
	if err := scenario.DecodeStrict(n, &c); err != nil {
		return c, fmt.Errorf("%w: %s: %v", scenario.ErrInvalid, path, err)
	}
	// Bodies and traces are named relative to the scenario file.
	c.Body, c.Trace = s.Resolve(c.Body), s.Resolve(c.Trace)
	if err := c.Validate(); err != nil {
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "load: "), "load.")
		return c, fmt.Errorf("%w: %s: %s", scenario.ErrInvalid, path, msg)
	}
	return c, nil
}

// checkSLOSyntax validates the scenario's SLO.
func checkSLOSyntax(s *scenario.Scenario) error {
	if s.SLO != "" {
		if _, err := threshold.Parse(s.SLO); err != nil {
			return fmt.Errorf("%w: slo: %v", scenario.ErrInvalid, err)
		}
	}
	return nil
}

// runLoad drives cfg against url until it ends or ctx is cancelled, calling onWindow for
// every 1-second window.
func runLoad(ctx context.Context, cfg load.Config, url string, onWindow func(window)) (*loadResult, error) {
	r, err := load.Start(ctx, cfg, url, load.Options{OnWindow: func(w load.Window) {
		onWindow(window{Requests: w.Requests, Errors: w.Errors, P50: w.Latency.P50, P95: w.Latency.P95, P99: w.Latency.P99})
	}})
	if err != nil {
		return nil, err
	}
	res := r.Wait()
	if res == nil {
		return nil, fmt.Errorf("load produced no result")
	}
	l := res.Latency
	return &loadResult{raw: res, partial: res.Partial, Requests: res.Requests, Errors: res.Errors, Rate: res.RateAchieved,
		P50: l.P50, P90: l.P90, P95: l.P95, P99: l.P99, Max: l.Max, Mean: l.Mean}, nil
}

// warmup sends n requests one after another, unmeasured, so that lazy initialisation in
// the app does not count against the platform.
func warmup(ctx context.Context, url string, base load.Config, n int) error {
	c := load.Config{Executor: load.Closed, VUs: 1, Requests: int64(n), Method: base.Method, Headers: base.Headers,
		Body: base.Body, Path: base.Path, Timeout: base.Timeout}
	r, err := load.Start(ctx, c, url, load.Options{})
	if err != nil {
		return err
	}
	r.Wait()
	return nil
}

// describeLoad says in words what load every platform received.
func describeLoad(c load.Config) string {
	switch c.Kind() {
	case load.Closed:
		s := fmt.Sprintf("closed model, %d users", c.VUs)
		if !c.Think.IsZero() {
			s += ", think " + c.Think.String()
		}
		return s + bound(c)
	case load.ConstantRate:
		return fmt.Sprintf("constant arrival rate %g req/s", c.Rate) + bound(c)
	case load.RampingRate:
		return "ramping arrival rate through stages " + load.FormatStages(c.Stages)
	case load.BatchParallel:
		if c.Batch != nil {
			return fmt.Sprintf("batches of %d parallel requests × %d", c.Batch.Parallel, c.Batch.Repeats)
		}
	case load.TraceReplay:
		return "trace replay of " + c.Trace
	}
	return string(c.Kind())
}

func bound(c load.Config) string {
	if c.Duration > 0 {
		return " for " + c.Duration.String()
	}
	if c.Requests > 0 {
		return fmt.Sprintf(", %d requests", c.Requests)
	}
	return ""
}

// checkSLO lists the SLO's violated thresholds.
func checkSLO(slo string, r *loadResult) []string {
	ths, err := threshold.Parse(slo)
	if err != nil || r.raw == nil {
		return nil
	}
	var out []string
	for _, v := range threshold.Check(ths, r.raw) {
		out = append(out, v.String())
	}
	return out
}
