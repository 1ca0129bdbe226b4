package runner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/billing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
)

// stopTimeout bounds how long stopping a platform may take before the runner moves on.
const stopTimeout = 30 * time.Second

// eventSink forwards a platform's events to its results writer once that exists.
type eventSink struct {
	mu    sync.Mutex
	w     *results.PlatformWriter
	n     map[string]int64
	exits map[string]int64 // app exits by reason (exitKinds)
}

func (s *eventSink) emit(e platform.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[string]int64{}
	}
	s.n[e.Kind]++
	if exitKinds[e.Kind] {
		if s.exits == nil {
			s.exits = map[string]int64{}
		}
		s.exits[e.Detail]++
	}
	if s.w != nil {
		_ = s.w.AddEvent(e)
	}
}

// exitsNote is exitsNote of the app exits seen so far.
func (s *eventSink) exitsNote() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return exitsNote(s.exits)
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

// phase is one load of a platform's run; scenarios with phases run each in turn against
// the same platform, and each gets its own row in the report.
type phase struct {
	name string // "" for the single load of a scenario without phases
	load loadConfigT
}

// rowName names a platform's report row for a phase.
func rowName(platformName, phaseName string) string {
	if phaseName == "" {
		return platformName
	}
	return platformName + " @ " + phaseName
}

// runPlatform runs one platform from start to bill, through every phase. It never
// returns an error: failures are recorded in the rows so the other platforms still run.
func runPlatform(ctx context.Context, s *scenario.Scenario, o Options, dir *results.Dir, pp prepared, phases []phase, book *pricing.Book, rt string) ([]results.Platform, projection.Workload) {
	sp, b := pp.sp, pp.built
	var rows []results.Platform
	var work projection.Workload
	newRow := func(ph phase) results.Platform {
		return results.Platform{Name: rowName(sp.Name, ph.name), Kind: sp.Kind, Size: b.Size, Runtime: rt, Status: "ok", ScaleOutSeconds: -1}
	}
	// fail marks the current and every remaining phase with err.
	fail := func(from int, err error) ([]results.Platform, projection.Workload) {
		for i := from; i < len(phases); i++ {
			pr := newRow(phases[i])
			pr.Status = "failed"
			pr.Error = oneLine(err.Error())
			if ctx.Err() != nil {
				pr.Status = "partial"
				if i > from {
					break
				}
			}
			rows = append(rows, pr)
		}
		fmt.Fprintf(o.Log, "  %s: %s\n", sp.Name, oneLine(err.Error()))
		return rows, work
	}
	writers := make([]*results.PlatformWriter, len(phases))
	for i, ph := range phases {
		pw, err := dir.Platform(rowName(sp.Name, ph.name))
		if err != nil {
			return fail(0, err)
		}
		defer pw.Close()
		writers[i] = pw
	}
	if pp.sink != nil {
		pp.sink.set(writers[0])
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
	err := p.Start(sctx)
	cancel()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("did not become ready within %s (app.startup_timeout plus the platform's modelled launch time): %w", startTimeout.Round(time.Second), err)
		}
		return fail(0, fmt.Errorf("start: %w", err))
	}
	st := p.Status()
	fmt.Fprintf(o.Log, "  %s ready in %s: %d in service at %s\n", sp.Name, time.Since(began).Round(100*time.Millisecond), st.InService, p.URL())
	if s.Warmup > 0 {
		if err := warmup(ctx, p.URL(), phases[0].load, s.Warmup); err != nil {
			fmt.Fprintf(o.Log, "  warm-up: %v\n", err)
		}
	}

	var servedAll int64
	for i, ph := range phases {
		pw := writers[i]
		if pp.sink != nil {
			pp.sink.set(pw)
		}
		pr := newRow(ph)
		before := billing.PriceMeter(book, p.Usage())
		// The first phase's cost accrues from the platform's launch (its billing
		// minimums included); later phases' from where the previous one ended.
		chartBase := before.Total
		if i == 0 {
			chartBase = 0
		}
		coldBefore := coldStarts(p.Usage())
		st := p.Status()
		tl := &timeline{unitVCPU: b.UnitVCPU, initial: st.InService, demandAt: -1, readyAt: -1, peak: st.InService}
		t0 := time.Now()
		tl.observe(0, st)
		prog := newProgress(o.Progress, pr.Name)
		emit := func(e platform.Event) {
			if pp.sink != nil {
				pp.sink.emit(e)
			}
		}
		stopFaults := injectFaults(p, sp.Faults, s.Timescale, int64(i)+1, emit)
		res, lerr := runLoad(ctx, ph.load, p.URL(), func(w window) {
			st := p.Status()
			t := time.Since(t0).Seconds()
			tl.observe(t, st)
			cost := billing.PriceMeter(book, p.Usage()).Total - chartBase
			_ = pw.AddPoint(results.Point{T: round(t, 3), Requests: w.Requests, Errors: w.Errors, P50: round(w.P50, 3), P95: round(w.P95, 3),
				P99: round(w.P99, 3), Capacity: st.InService, Pending: st.Pending, CPU: round(st.CPU, 2), CostSoFar: cost})
			prog.update(t, w, st, cost)
		})
		prog.done()
		stopFaults()
		last := i == len(phases)-1 || ctx.Err() != nil
		if last {
			stop()
		}
		usage := p.Usage()
		bill := billing.PriceMeter(book, usage)
		_ = pw.WriteJSON("bill.json", bill)
		_ = pw.WriteJSON("usage.json", usage)
		if res != nil {
			_ = pw.WriteJSON("load.json", res.raw)
		}
		if lerr != nil && res == nil {
			return fail(i, fmt.Errorf("load: %w", lerr))
		}
		if ctx.Err() != nil || res.partial {
			pr.Status = "partial"
		}
		pr.Requests, pr.Errors = res.Requests, res.Errors
		if res.Requests > 0 {
			pr.ErrorRate = float64(res.Errors) / float64(res.Requests)
		}
		pr.LatencyMs = results.Percentiles{P50: round(res.P50, 3), P90: round(res.P90, 3), P95: round(res.P95, 3), P99: round(res.P99, 3), Max: round(res.Max, 3)}
		if raw := res.raw; raw != nil && raw.LatencySteady != nil {
			l := raw.LatencySteady
			pr.StallSeconds = raw.StallWindows
			pr.LatencySteadyMs = &results.Percentiles{P50: round(l.P50, 3), P90: round(l.P90, 3), P95: round(l.P95, 3), P99: round(l.P99, 3), Max: round(l.Max, 3)}
		}
		pr.RateAchieved = round(res.Rate, 3)
		pr.ColdStarts = coldStarts(usage) - coldBefore
		pr.ScaleOutSeconds = round(tl.scaleOut(), 2)
		pr.PeakCapacity = tl.peak
		// A phase is billed what the platform accrued during it; the last one also pays
		// for the shutdown (and billing minimums that only the end reveals).
		pr.BilledSeconds = round(bill.BilledSeconds-before.BilledSeconds, 3)
		pr.RunCost = bill.Total - before.Total
		if i == 0 {
			pr.BilledSeconds, pr.RunCost = round(bill.BilledSeconds, 3), bill.Total
			if !last {
				// The first phase carries the start-up's cost up to its end.
				cur := billing.PriceMeter(book, p.Usage())
				pr.BilledSeconds, pr.RunCost = round(cur.BilledSeconds, 3), cur.Total
			}
		}
		pr.HourlyAtPeak = b.UnitHourly*float64(tl.peak) + b.FixedHourly
		if served := res.Requests - res.Errors; served > 0 {
			// The bill covers platform time, Timescale times the wall time in which the
			// requests were served: per million requests at the measured capacity and
			// request rate is the bill's hourly rate over the requests per wall hour.
			// Pay-per-request platforms (Lambda) bill service time, never compressed.
			scale := math.Max(s.Timescale, 1)
			if b.PerRequest {
				scale = 1
			}
			pr.PerMillion = pr.RunCost / scale / float64(served) * 1e6
		}
		if s.SLO != "" {
			pr.SLOViolations = checkSLO(s.SLO, res)
		}
		pr.SLOMet = len(pr.SLOViolations) == 0 && pr.Status != "failed" && res.Requests > 0
		w := workloadOf(tl, res.Requests-res.Errors)
		if l := usage.Lambda; l != nil && l.Invocations > 0 {
			// Lambda bills the measured duration (INIT included), not CPU time.
			w.LambdaDuration = time.Duration(l.BilledMillis) * time.Millisecond / time.Duration(l.Invocations)
		}
		if served := res.Requests - res.Errors; served > servedAll {
			work, servedAll = w, served
		}
		if s.Traffic != nil {
			monthly, note := projectMonthly(book, b, w, s.TrafficPerMonth(), s.Traffic.Shape)
			pr.Monthly = monthly
			if note != "" {
				pr.Notes = append(pr.Notes, note)
			}
		}
		if bill.Error != "" {
			pr.Notes = append(pr.Notes, "billing: "+bill.Error)
		}
		if n, ok := p.(noter); ok {
			pr.Notes = append(pr.Notes, n.notes()...)
		}
		if pp.sink != nil {
			if note := pp.sink.exitsNote(); note != "" {
				pr.Notes = append(pr.Notes, note)
			}
		}
		fmt.Fprintf(o.Log, "  %s: %d requests, p95 %.1f ms, errors %.2f%%, cost $%.5f\n", pr.Name, pr.Requests, pr.LatencyMs.P95, pr.ErrorRate*100, pr.RunCost)
		rows = append(rows, pr)
		if ctx.Err() != nil {
			break
		}
	}
	return rows, work
}

// coldStarts counts Lambda cold starts, or app starts after the initial capacity for the
// other platforms (each new instance or task is a cold start for the requests it gets).
func coldStarts(u platform.Usage) int64 {
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
