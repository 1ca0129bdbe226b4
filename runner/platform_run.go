package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
)

// stopTimeout bounds how long stopping a platform may take before the runner moves on.
const stopTimeout = 30 * time.Second

// eventSink forwards a platform's events to its results writer once that exists.
type eventSink struct {
	mu sync.Mutex
	w  *results.PlatformWriter
	n  map[string]int64
}

func (s *eventSink) emit(e platform.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[string]int64{}
	}
	s.n[e.Kind]++
	if s.w != nil {
		_ = s.w.AddEvent(e)
	}
}

func (s *eventSink) count(kind string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n[kind]
}

func (s *eventSink) set(w *results.PlatformWriter) {
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}

// runPlatform runs one platform from start to bill. It never returns an error: failures
// are recorded in the platform's summary so the other platforms still run.
func runPlatform(ctx context.Context, s *scenario.Scenario, o Options, dir *results.Dir, pp prepared, lc loadConfigT, book *pricing.Book, rt string) (results.Platform, projection.Workload) {
	sp, b := pp.sp, pp.built
	pr := results.Platform{Name: sp.Name, Kind: sp.Kind, Size: b.Size, Runtime: rt, Status: "ok", ScaleOutSeconds: -1}
	var work projection.Workload
	fail := func(err error) (results.Platform, projection.Workload) {
		pr.Status = "failed"
		pr.Error = oneLine(err.Error())
		if ctx.Err() != nil {
			pr.Status = "partial"
		}
		fmt.Fprintf(o.Log, "  %s: %s\n", sp.Name, pr.Error)
		return pr, work
	}
	pw, err := dir.Platform(sp.Name)
	if err != nil {
		return fail(err)
	}
	defer pw.Close()
	if pp.sink != nil {
		pp.sink.set(pw)
	}
	p := b.Platform
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		if err := p.Stop(sctx); err != nil {
			fmt.Fprintf(o.Log, "  %s: stop: %v\n", sp.Name, err)
		}
	}
	defer stop()

	began := time.Now()
	fmt.Fprintf(o.Log, "  starting %s …\n", sp.Name)
	startTimeout := time.Duration(s.App.StartupTimeout) + platformStartBudget(s)
	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	err = p.Start(sctx)
	cancel()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("did not become ready within %s (app.startup_timeout plus the platform's modelled launch time): %w", startTimeout.Round(time.Second), err)
		}
		return fail(fmt.Errorf("start: %w", err))
	}
	st := p.Status()
	fmt.Fprintf(o.Log, "  %s ready in %s: %d in service at %s\n", sp.Name, time.Since(began).Round(100*time.Millisecond), st.InService, p.URL())
	if s.Warmup > 0 {
		if err := warmup(ctx, p.URL(), lc, s.Warmup); err != nil {
			fmt.Fprintf(o.Log, "  warm-up: %v\n", err)
		}
	}

	tl := &timeline{unitVCPU: b.UnitVCPU, initial: st.InService, demandAt: -1, readyAt: -1, peak: st.InService}
	t0 := time.Now()
	tl.observe(0, st)
	prog := newProgress(o.Progress, sp.Name)
	res, lerr := runLoad(ctx, lc, p.URL(), func(w window) {
		st := p.Status()
		t := time.Since(t0).Seconds()
		tl.observe(t, st)
		cost := billOf(book, p.Usage(), s.Timescale).Total
		_ = pw.AddPoint(results.Point{T: round(t, 3), Requests: w.Requests, Errors: w.Errors, P50: round(w.P50, 3), P95: round(w.P95, 3),
			P99: round(w.P99, 3), Capacity: st.InService, Pending: st.Pending, CPU: round(st.CPU, 2), CostSoFar: cost})
		prog.update(t, w, st, cost)
	})
	prog.done()
	stop()
	usage := p.Usage()
	bill := billOf(book, usage, s.Timescale)
	_ = pw.WriteJSON("bill.json", bill)
	_ = pw.WriteJSON("usage.json", usage)
	if res != nil {
		_ = pw.WriteJSON("load.json", res.raw)
	}
	if lerr != nil && res == nil {
		return fail(fmt.Errorf("load: %w", lerr))
	}
	if ctx.Err() != nil || res.partial {
		pr.Status = "partial"
	}
	pr.Requests, pr.Errors = res.Requests, res.Errors
	if res.Requests > 0 {
		pr.ErrorRate = float64(res.Errors) / float64(res.Requests)
	}
	pr.LatencyMs = results.Percentiles{P50: round(res.P50, 3), P90: round(res.P90, 3), P95: round(res.P95, 3), P99: round(res.P99, 3), Max: round(res.Max, 3)}
	pr.RateAchieved = round(res.Rate, 3)
	pr.ColdStarts = coldStarts(usage, pp.sink)
	pr.ScaleOutSeconds = round(tl.scaleOut(), 2)
	pr.PeakCapacity = tl.peak
	pr.BilledSeconds = round(bill.BilledSeconds, 3)
	pr.RunCost = bill.Total
	pr.HourlyAtPeak = b.UnitHourly*float64(tl.peak) + b.FixedHourly
	if served := res.Requests - res.Errors; served > 0 {
		pr.PerMillion = bill.Total / float64(served) * 1e6
	}
	if s.SLO != "" {
		pr.SLOViolations = checkSLO(s.SLO, res)
	}
	pr.SLOMet = len(pr.SLOViolations) == 0 && pr.Status != "failed" && res.Requests > 0
	work = workloadOf(tl, res.Requests-res.Errors)
	if l := usage.Lambda; l != nil && l.Invocations > 0 {
		// Lambda bills the measured duration (INIT included), not CPU time.
		work.LambdaDuration = time.Duration(l.BilledMillis) * time.Millisecond / time.Duration(l.Invocations)
	}
	if s.Traffic != nil {
		monthly, note := projectMonthly(book, b, work, s.TrafficPerMonth(), s.Traffic.Shape)
		pr.Monthly = monthly
		if note != "" {
			pr.Notes = append(pr.Notes, note)
		}
	}
	if bill.Error != "" {
		pr.Notes = append(pr.Notes, "billing: "+bill.Error)
	}
	fmt.Fprintf(o.Log, "  %s: %d requests, p95 %.1f ms, errors %.2f%%, cost $%.5f\n", sp.Name, pr.Requests, pr.LatencyMs.P95, pr.ErrorRate*100, pr.RunCost)
	return pr, work
}

// coldStarts counts Lambda cold starts, or app starts after the initial capacity for the
// other platforms (each new instance or task is a cold start for the requests it gets).
func coldStarts(u platform.Usage, sink *eventSink) int64 {
	if u.Lambda != nil {
		return u.Lambda.ColdStarts
	}
	return 0
}

// platformStartBudget is how long a platform may take to launch its initial capacity on
// top of the app's own start: the modelled EC2/Fargate launch, compressed by timescale.
func platformStartBudget(s *scenario.Scenario) time.Duration {
	return time.Duration(float64(10*time.Minute) / s.Timescale)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
