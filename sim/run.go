package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/load/schedule"
	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/billing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
	"github.com/deploybench/deploybench/sim/calibration"
	"github.com/deploybench/deploybench/sim/engine"
	"github.com/deploybench/deploybench/sim/traffic"
)

// Modes of simulation.
const (
	// ModeRequest simulates every request: exact routing, queueing and latency.
	ModeRequest = "request"
	// ModeAggregate advances one step per second with a queueing approximation per
	// target: for long horizons.
	ModeAggregate = "aggregate"
	// ModeAuto picks request mode up to AutoRequestLimit expected requests.
	ModeAuto = "auto"
)

// AutoRequestLimit is the most requests per platform that auto mode simulates one by one.
const AutoRequestLimit = 200_000_000

// DefaultOrigin is the virtual clock's start: a fixed instant, so that results repeat.
var DefaultOrigin = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday

// Options configures a simulation.
type Options struct {
	// OutDir is the results directory.
	OutDir string
	// ScenarioYAML is echoed into the results directory.
	ScenarioYAML []byte
	// Calibration gives service and start-up times; nil means the built-in model's.
	Calibration *calibration.Calibration
	// Traffic, when set, replaces the scenario's load for Days days.
	Traffic *traffic.Traffic
	Days    float64
	// Seed seeds arrivals and service times (0: the load's seed, else 1).
	Seed uint64
	// Mode is request, aggregate or auto (default).
	Mode string
	// Timescale overrides the scenario's (0: the scenario's without --traffic, 1 with).
	Timescale float64
	// VCPUFraction and HostCores override the CPU model (0: the scenario's fraction and
	// the calibration's host cores).
	VCPUFraction, HostCores float64
	// Servers, when > 0, is how many requests a machine serves at once, the others
	// queueing (CPUModel.Servers); 0 is processor sharing.
	Servers int
	// Progress receives a progress line about once a second of wall time; nil for none.
	Progress io.Writer
	// Log receives one line per platform.
	Log io.Writer
	// Catalog prices the run; nil means the embedded catalog.
	Catalog *pricing.Catalog
	// LeaveOut, by platform name, marks the seconds of the load (window i is second
	// [i, i+1)) that a live run being validated against lost to host stalls
	// (load.Stalled): they are left out of the platform's LatencySteadyMs, as the live
	// run left them out of its own, so the two compare the same seconds.
	LeaveOut map[string][]bool
}

// ErrBadInput marks errors caused by the scenario, the flags or the calibration.
var ErrBadInput = errors.New("invalid input")

// Simulate runs every platform of the scenario that the simulator supports and writes a
// results directory in the live format with mode "simulated".
func Simulate(ctx context.Context, s *scenario.Scenario, o Options) (*results.Run, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	cat := o.Catalog
	if cat == nil {
		var err error
		if cat, err = pricing.Embedded(); err != nil {
			return nil, err
		}
	}
	book, err := cat.Book(s.Region)
	if err != nil {
		return nil, fmt.Errorf("%w: region: %v", ErrBadInput, err)
	}
	cal := o.Calibration
	if cal == nil {
		model := s.App.Builtin
		if model == "" {
			return nil, fmt.Errorf("%w: --calibration: the app is not built in; measure it with 'deploybench calibrate --command ...' and pass the file", ErrBadInput)
		}
		if cal, err = calibration.Builtin(model); err != nil {
			return nil, err
		}
	}
	w, err := newWorkload(s, o)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	run := results.Run{Scenario: s.Name, Description: s.Description, Mode: "simulated", Started: DefaultOrigin, SLO: s.SLO,
		Load: w.describe, Assumptions: results.Assumptions{Timescale: w.timescale, VCPUFraction: w.cpu.VCPUFraction,
			Limits: fmt.Sprintf("simulated (%s mode, calibration %s, seed %d)", w.mode, cal.App, w.seed),
			Region: s.Region, PriceSource: "embedded catalog", PriceDate: cat.Meta().Dates["us-east-1 on-demand"],
			Traffic: s.TrafficText(), TrafficPerMonth: s.TrafficPerMonth()}}
	if o.Traffic != nil {
		run.Assumptions.Traffic = o.Traffic.String()
		run.Assumptions.TrafficPerMonth = w.expected / w.horizon.Seconds() * 30 * 86400
	}
	dir, err := results.Create(o.OutDir, run)
	if err != nil {
		return nil, err
	}
	if len(o.ScenarioYAML) > 0 {
		if err := dir.WriteFile("scenario.yaml", o.ScenarioYAML); err != nil {
			return nil, err
		}
	}
	var works []projection.Workload
	for i, sp := range s.Platforms {
		if ctx.Err() != nil {
			run.Partial = true
			break
		}
		fmt.Fprintf(o.Log, "[%d/%d] %s (%s)\n", i+1, len(s.Platforms), sp.Name, sp.Kind)
		pr, work := simulatePlatform(ctx, s, o, dir, sp, w, cal, book)
		run.Platforms = append(run.Platforms, pr)
		if work.Validate() == nil {
			works = append(works, work)
		}
		if err := dir.WriteRun(run); err != nil {
			return &run, err
		}
	}
	if len(works) > 0 {
		be, err := breakEven(works[0], book)
		if err != nil {
			fmt.Fprintf(o.Log, "break-even: %v\n", err)
		}
		run.BreakEven = be
	}
	run.Ended = DefaultOrigin.Add(w.horizon)
	if err := dir.WriteRun(run); err != nil {
		return &run, err
	}
	if run.Partial {
		return &run, errors.New("simulation interrupted; partial results kept")
	}
	return &run, nil
}

// workload is the load every platform gets, resolved once.
type workload struct {
	loadCfg   load.Config
	sched     *schedule.Schedule // open arrivals (traffic or open executors), for aggregate mode
	traffic   *traffic.Traffic
	horizon   time.Duration
	expected  float64
	mode      string
	seed      uint64
	timescale float64
	cpu       CPUModel
	timeout   time.Duration
	maxIn     int
	describe  string
	step      time.Duration // timeline point interval
}

func newWorkload(s *scenario.Scenario, o Options) (*workload, error) {
	w := &workload{seed: o.Seed, timescale: o.Timescale, timeout: load.DefaultTimeout.D(), maxIn: load.DefaultMaxInflight}
	if w.seed == 0 {
		w.seed = load.DefaultSeed
	}
	if o.Traffic != nil {
		if !(o.Days > 0) {
			return nil, errors.New("--days: must be > 0 with --traffic")
		}
		w.traffic = o.Traffic
		w.horizon = time.Duration(o.Days * 24 * float64(time.Hour))
		sc := o.Traffic.Schedule(w.horizon, w.seed)
		w.sched = &sc
		w.expected = sc.Expected()
		w.describe = fmt.Sprintf("traffic %s for %g days (Poisson arrivals)", o.Traffic, o.Days)
		if w.timescale == 0 {
			w.timescale = 1
		}
	} else {
		if len(s.Phases) > 0 {
			return nil, errors.New("phases: a scenario with phases is not simulated yet; simulate each phase's load as its own scenario, or give --traffic")
		}
		if err := scenario.DecodeStrict(&s.Load, &w.loadCfg); err != nil {
			return nil, fmt.Errorf("load: %v", err)
		}
		if err := w.loadCfg.Validate(); err != nil {
			return nil, err
		}
		if o.Seed == 0 && w.loadCfg.Seed != 0 {
			w.seed = w.loadCfg.Seed
		}
		if w.loadCfg.Timeout != 0 {
			w.timeout = w.loadCfg.Timeout.D()
		}
		if w.loadCfg.MaxInflight != 0 {
			w.maxIn = w.loadCfg.MaxInflight
		}
		src, err := SourceFromLoad(w.loadCfg, w.seed)
		if err != nil {
			return nil, err
		}
		w.expected = float64(src.Expected())
		if os, ok := src.(*openSource); ok {
			w.sched = &os.sched
			w.horizon = os.duration
		} else if d := src.End(); d > 0 {
			w.horizon = time.Duration(d)
		}
		w.describe = "scenario load (" + string(w.loadCfg.Kind()) + ")"
		if w.timescale == 0 {
			w.timescale = s.Timescale
		}
	}
	w.mode = o.Mode
	switch w.mode {
	case "", ModeAuto:
		w.mode = ModeRequest
		if w.expected > AutoRequestLimit && w.sched != nil {
			w.mode = ModeAggregate
		}
	case ModeRequest:
	case ModeAggregate:
		if w.sched == nil {
			return nil, errors.New("--mode aggregate: needs an open load (rate, stages, trace or --traffic); closed and batch loads are simulated per request")
		}
	default:
		return nil, fmt.Errorf("--mode: %q is not a mode (use auto, request or aggregate)", o.Mode)
	}
	w.cpu = CPUModel{VCPUFraction: s.VCPUFraction, HostCores: o.HostCores, Period: DefaultCFSPeriod, Servers: o.Servers}
	if o.VCPUFraction > 0 {
		w.cpu.VCPUFraction = o.VCPUFraction
	}
	w.step = time.Second
	if w.horizon > 2*24*time.Hour {
		w.step = time.Minute
	}
	return w, nil
}

// source returns a fresh source for one platform (every platform gets the same arrivals).
func (w *workload) source() (Source, error) {
	if w.traffic != nil {
		return NewOpenSource(*w.sched, schedule.Poisson, w.seed, 0), nil
	}
	return SourceFromLoad(w.loadCfg, w.seed)
}

// eventSink streams a platform's events to its results writer and counts them.
type eventSink struct {
	w *results.PlatformWriter
	n map[string]int64
	// After loadStart: the first launch (or new task) and the first instance in service
	// (or task running) after it, which time the first scale-out exactly (the
	// timeline's points may be a minute apart).
	loadStart           time.Time
	launched, inService time.Time
}

func (e *eventSink) emit(ev platform.Event) {
	e.n[ev.Kind]++
	if !e.loadStart.IsZero() && !ev.At.Before(e.loadStart) {
		switch {
		case (ev.Kind == "launch" || ev.Kind == "task_provisioning") && e.launched.IsZero():
			e.launched = ev.At
		case (ev.Kind == "in_service" || ev.Kind == "task_running") && !e.launched.IsZero() && e.inService.IsZero():
			e.inService = ev.At
		}
	}
	if e.w != nil {
		_ = e.w.AddEvent(ev)
	}
}

// simulatePlatform simulates one platform from start to bill; failures are recorded in
// its summary, as live runs do.
func simulatePlatform(ctx context.Context, s *scenario.Scenario, o Options, dir *results.Dir, sp scenario.Platform,
	w *workload, cal *calibration.Calibration, book *pricing.Book) (results.Platform, projection.Workload) {
	pr := results.Platform{Name: sp.Name, Kind: sp.Kind, Runtime: "simulated", Status: "ok", ScaleOutSeconds: -1}
	var work projection.Workload
	fail := func(err error) (results.Platform, projection.Workload) {
		pr.Status, pr.Error = "failed", err.Error()
		fmt.Fprintf(o.Log, "  %s: %s\n", sp.Name, pr.Error)
		return pr, work
	}
	pw, err := dir.Platform(sp.Name)
	if err != nil {
		return fail(err)
	}
	defer pw.Close()

	eng := engine.New(DefaultOrigin)
	cpu := w.cpu
	if cpu.HostCores <= 0 {
		cpu.HostCores = cal.HostCores
	}
	rng := rand.New(rand.NewPCG(w.seed, 0x5e41ce))
	r := newRouter(eng, rng, cal, w.timeout, w.maxIn)
	if w.traffic == nil && w.cpu.VCPUFraction > 0 && w.cpu.VCPUFraction < 1 {
		// Reproducing a live run on one host: its tail widens with the host's request
		// rate, which the calibration measured (calibration.HostLoad).
		r.wid = cal.Widening()
	}
	drv := NewDriver(eng, cal, cpu, r)
	r.drv = drv
	sink := &eventSink{w: pw, n: map[string]int64{}}
	b, err := Build(sp, s, worldFor(eng, drv, sink.emit), book, w.timescale)
	if err != nil {
		return fail(err)
	}
	pr.Size = b.Size
	r.bal = b.Balancer
	r.lam = b.Lambda
	p := b.Platform

	// Start sets everything in motion and waits for the initial capacity; under the
	// virtual clock nothing moves while it waits, so it is called with a finished context
	// (it returns at its first wait) and the engine runs until the capacity is in service.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.Start(cctx); err != nil && !errors.Is(err, context.Canceled) {
		_ = p.Stop(context.Background())
		return fail(fmt.Errorf("start: %w", err))
	}
	want := max(1, p.Status().Desired)
	if b.Serverless {
		want = b.Initial
	}
	eng.RunWhile(eng.Nanos()+int64(time.Hour), func() bool { return p.Status().InService < want })
	if st := p.Status(); st.InService < want {
		_ = p.Stop(context.Background())
		return fail(fmt.Errorf("start: initial capacity not in service after an hour of simulated time (%d of %d)", st.InService, want))
	}

	if b.AfterStart != nil {
		if err := b.AfterStart(); err != nil {
			_ = p.Stop(context.Background())
			return fail(fmt.Errorf("start: %w", err))
		}
	}
	if s.Warmup > 0 {
		if err := warmUp(eng, r, s.Warmup); err != nil {
			_ = p.Stop(context.Background())
			return fail(err)
		}
	}
	st := p.Status()
	tl := &timeline{unitVCPU: b.UnitVCPU, initial: st.InService, demandAt: -1, readyAt: -1, peak: st.InService}
	t0 := eng.Nanos()
	sink.loadStart = eng.Now()
	tl.observe(0, st)
	var agg *aggregator
	if w.mode == ModeAggregate {
		agg = newAggregator(eng, r, w, t0)
		if b.Lambda != nil {
			agg.lam = newLambdaAgg(agg, cal, cpu, b)
		}
	} else {
		src, err := w.source()
		if err != nil {
			_ = p.Stop(context.Background())
			return fail(err)
		}
		r.src = src
		src.Begin(eng, t0, r.send)
	}
	prog := newProgress(o.Progress, sp.Name, w.horizon, eng)
	cost := 0.0
	leave := o.LeaveOut[sp.Name]
	var steady engine.Hist
	stalls := 0
	step := int64(w.step)
	end := t0 + int64(w.horizon)
	for k := int64(1); ; k++ {
		at := t0 + k*step
		if agg != nil {
			agg.runUntil(at)
		} else {
			eng.RunUntil(at)
		}
		st := p.Status()
		t := float64(at-t0) / 1e9
		tl.observe(t, st)
		if b.Lambda != nil {
			// Pay per request: the bill so far, as a live run charts it (Lambda's meter is a
			// few running totals, so pricing it every step is cheap).
			cost = billing.PriceMeter(book, p.Usage()).Total
		} else {
			costRate := b.UnitHourly*float64(st.InService+st.Pending+st.Draining) + b.FixedHourly
			cost += costRate * w.step.Hours() * math.Max(w.timescale, 1) // platform hours
		}
		_ = pw.AddPoint(results.Point{T: round(t, 3), Requests: r.winReqs, Errors: r.winErrs,
			P50: round(r.win.Quantile(0.5)/1e6, 3), P95: round(r.win.Quantile(0.95)/1e6, 3), P99: round(r.win.Quantile(0.99)/1e6, 3),
			Capacity: st.InService, Pending: st.Pending, CPU: round(st.CPU, 2), CostSoFar: round(cost, 6)})
		if i := int(k - 1); i < len(leave) && leave[i] {
			stalls++
		} else if len(leave) > 0 {
			steady.Merge(&r.win)
		}
		r.winReqs, r.winErrs = 0, 0
		r.win.Reset()
		prog.update(at-t0, st)
		if ctx.Err() != nil {
			pr.Status = "partial"
			break
		}
		if w.horizon > 0 && at >= end && (r.inflight == 0 || at >= end+int64(w.timeout)) {
			break
		}
		if w.horizon == 0 && r.reqs > 0 && r.inflight == 0 && !sourcePending(r) {
			break
		}
	}
	prog.done()
	_ = p.Stop(context.Background())
	usage := p.Usage()
	if agg != nil && b.Lambda != nil { // aggregated mode admits in bulk, past the gateway's counters
		usage.Requests = b.Lambda.apiBilled
	}
	bill := billing.PriceMeter(book, usage)
	_ = pw.WriteJSON("bill.json", bill)
	_ = pw.WriteJSON("usage.json", usage)

	pr.Requests, pr.Errors = r.reqs, r.errs
	if usage.Lambda != nil {
		pr.ColdStarts = usage.Lambda.ColdStarts
		if b.Lambda != nil {
			st := b.Lambda.p.Stats()
			pr.Notes = append(pr.Notes, fmt.Sprintf("cold starts %d (INIT p50 %s, max %s), peak concurrency %d, throttles %d, timeouts %d",
				st.ColdStarts, st.InitP50.Round(time.Millisecond), st.InitMax.Round(time.Millisecond), st.PeakConcurrency, st.Throttles, st.Timeouts))
		}
	}
	if r.reqs > 0 {
		pr.ErrorRate = float64(r.errs) / float64(r.reqs)
	}
	h := &r.total
	pr.LatencyMs = results.Percentiles{P50: round(h.Quantile(0.5)/1e6, 3), P90: round(h.Quantile(0.9)/1e6, 3),
		P95: round(h.Quantile(0.95)/1e6, 3), P99: round(h.Quantile(0.99)/1e6, 3), Max: round(float64(h.Max())/1e6, 3)}
	if stalls > 0 {
		pr.StallSeconds = stalls
		pr.LatencySteadyMs = &results.Percentiles{P50: round(steady.Quantile(0.5)/1e6, 3), P90: round(steady.Quantile(0.9)/1e6, 3),
			P95: round(steady.Quantile(0.95)/1e6, 3), P99: round(steady.Quantile(0.99)/1e6, 3), Max: round(float64(steady.Max())/1e6, 3)}
	}
	if span := float64(r.lastSend-r.firstSend) / 1e9; span > 0 {
		pr.RateAchieved = round(float64(r.reqs)/span, 3)
	}
	pr.ScaleOutSeconds = round(tl.scaleOut(), 2)
	if !sink.inService.IsZero() { // launch → in service, in clock seconds as live runs report it
		pr.ScaleOutSeconds = round(sink.inService.Sub(sink.launched).Seconds(), 2)
	}
	pr.PeakCapacity = tl.peak
	pr.BilledSeconds = round(bill.BilledSeconds, 3)
	pr.RunCost = bill.Total
	pr.HourlyAtPeak = b.UnitHourly*float64(tl.peak) + b.FixedHourly
	if r.served > 0 {
		// The bill covers platform time, timescale times the clock time in which the
		// requests were served, as live runs compute it.
		pr.PerMillion = bill.Total / math.Max(w.timescale, 1) / float64(r.served) * 1e6
	}
	if s.SLO != "" {
		pr.SLOViolations = checkSLO(s.SLO, pr)
	}
	pr.SLOMet = len(pr.SLOViolations) == 0 && pr.Status != "failed" && r.reqs > 0
	work = projection.Workload{CPUSeconds: 0, MemoryMB: math.Max(128, cal.MemoryMiB)}
	if r.served > 0 && tl.cpuVCPUSecs > 0 {
		work.CPUSeconds = tl.cpuVCPUSecs / float64(r.served)
	}
	if days := w.horizon.Hours() / 24; days >= 1 {
		pr.Monthly = round(bill.Total/days*30, 2)
		pr.Notes = append(pr.Notes, fmt.Sprintf("monthly = simulated %.3g days × 30/%.3g", days, days))
	} else if s.Traffic != nil {
		monthly, note := projectMonthly(book, b, work, s.TrafficPerMonth(), s.Traffic.Shape)
		pr.Monthly = monthly
		if note != "" {
			pr.Notes = append(pr.Notes, note)
		}
	}
	if bill.Error != "" {
		pr.Notes = append(pr.Notes, "billing: "+bill.Error)
	}
	if n := sink.n["credits_exhausted"]; n > 0 {
		pr.Notes = append(pr.Notes, fmt.Sprintf("CPU credits exhausted %d times", n))
	}
	fmt.Fprintf(o.Log, "  %s: %d requests, p95 %.1f ms, errors %.2f%%, peak %d, cost $%.5f (%d events)\n",
		sp.Name, pr.Requests, pr.LatencyMs.P95, pr.ErrorRate*100, pr.PeakCapacity, pr.RunCost, eng.Events)
	return pr, work
}

// warmUp replays the scenario's warm-up as a live run sends it: n requests one after
// another, once the platform is up and before the load, unmeasured. It matters where
// state outlives it: a Lambda pool keeps the environment the warm-up opened, as live.
func warmUp(eng *engine.Engine, r *router, n int) error {
	src := &warmSource{closedSource: closedSource{users: 1, limit: int64(n)}}
	r.src = src
	began := eng.Nanos()
	src.Begin(eng, began, r.send)
	// Each request ends or fails within the load's timeout, so this bound is never the
	// one that stops a healthy warm-up.
	limit := began + int64(n+1)*(r.timeout+int64(time.Second))
	eng.RunWhile(limit, func() bool { return src.answered < src.limit })
	if src.answered < src.limit {
		return fmt.Errorf("warmup: %d of %d requests unanswered after %s of simulated time", src.limit-src.answered, n, time.Duration(limit-began))
	}
	r.src = nil
	r.reqs, r.errs, r.winReqs, r.winErrs, r.served = 0, 0, 0, 0, 0
	r.total.Reset()
	r.win.Reset()
	r.firstSend, r.lastSend = -1, 0
	return nil
}

// warmSource is the warm-up's single user, counting answers (errors included) so the
// warm-up ends only when the last one has reached it.
type warmSource struct {
	closedSource
	answered int64
}

// Completed implements Source.
func (s *warmSource) Completed(tag int32) {
	s.answered++
	s.closedSource.Completed(tag)
}

// sourcePending reports whether the router's source still has requests to come: any
// event that is not a machine's own is a source's or the control plane's, so the run
// ends only when requests are done and the source has nothing queued.
func sourcePending(r *router) bool {
	if r.src == nil {
		return false
	}
	switch s := r.src.(type) {
	case *closedSource:
		if s.batch != nil {
			return s.rounds < s.batch.Repeats || s.waiting > 0
		}
		return s.limit > 0 && s.sent < s.limit
	case *openSource:
		return s.limit > 0 && s.sent < s.limit
	}
	return false
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
