package sim

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/sim/calibration"
	"github.com/deploybench/deploybench/sim/engine"
)

// AggregateStep is the aggregated mode's time step: every second, like the fleets' CPU
// sampling, so the controllers see the same utilisation series they would per request.
const AggregateStep = time.Second

// aggQuantiles is how many points of the latency distribution each step records: every
// 5 % up to p90, every 1 % to p99, then every 0.2 %, so the tail percentiles the reports
// show are resolved as finely as the body.
const aggQuantiles = 18 + 9 + 5

// aggLevels are the upper cumulative probabilities of the points; a point stands for
// the requests between the previous level and its own, at its midpoint's latency.
var aggLevels = func() (l [aggQuantiles]float64) {
	i := 0
	for p := 5; p <= 90; p += 5 {
		l[i] = float64(p) / 100
		i++
	}
	for p := 91; p <= 99; p++ {
		l[i] = float64(p) / 100
		i++
	}
	for p := 992; p <= 1000; p += 2 {
		l[i] = float64(p) / 1000
		i++
	}
	return l
}()

// aggregator is the aggregated mode. Each step it draws the number of arrivals of the
// last second (Poisson around the schedule's integral), splits them evenly over the
// balancer's healthy targets (round robin's long-run share), and per target turns the
// offered work into CPU time with a fluid queue (work beyond the allowance waits as
// backlog) and latency with the latency distribution of that machine at that arrival
// rate in steady state, plus the time the backlog takes to clear. The distribution comes
// from a short per-request simulation of the same machine model (processor sharing, CFS
// quota) at that rate, cached by rate in 2 % buckets, so the two modes share one model of
// an instance. The platform models run on the same clock as in per-request mode; only
// requests are approximated.
type aggregator struct {
	eng   *engine.Engine
	r     *router
	w     *workload
	t0    int64
	hid   int32
	meanW float64
	rot   int
	back  map[*Machine]float64
	// active are the machines given fluid load last step; the next step clears it first,
	// so a machine that left the rotation stops using CPU.
	active []*Machine
	// The schedule's cumulative arrivals, walked with a cursor (steps only move forward).
	end    time.Duration
	seg    int
	segAt  time.Duration
	segCum float64
	cache  map[latKey]*[aggQuantiles]float64
	// lam is the Lambda part: environments held from the pool instead of targets.
	lam *lambdaAgg
}

// latKey identifies a latency table: the machine's CPU limits and the arrival rate,
// bucketed by 2 %.
type latKey struct {
	allow  float64
	bucket int
	k      int
}

func newAggregator(eng *engine.Engine, r *router, w *workload, t0 int64) *aggregator {
	a := &aggregator{eng: eng, r: r, w: w, t0: t0, back: map[*Machine]float64{}, cache: map[latKey]*[aggQuantiles]float64{}}
	a.hid = eng.AddHandler(a)
	a.meanW = calibration.MeanOfPercentiles(r.work[:]) * r.share
	a.end = w.sched.Duration()
	eng.Schedule(t0+1, a.hid, 0, 0)
	return a
}

func (a *aggregator) runUntil(at int64) { a.eng.RunUntil(at) }

// Handle implements engine.Handler: one step.
func (a *aggregator) Handle(int32, uint32) {
	now := a.eng.Nanos()
	dt := AggregateStep.Seconds()
	// The step at t0 + k s + 1 ns serves the arrivals of [k s, (k+1) s), so the timeline
	// point written at (k+1) s counts them, as in per-request mode.
	from := time.Duration(now - 1 - a.t0)
	to := from + AggregateStep
	if from < a.end {
		mean := a.expectedUntil(to) - a.expectedUntil(from)
		n := a.poisson(mean)
		a.serve(n, dt)
	}
	a.eng.Schedule(now+int64(AggregateStep), a.hid, 0, 0)
}

// poisson draws a Poisson count: exact for small means, normal beyond.
func (a *aggregator) poisson(mean float64) int64 {
	if mean <= 0 {
		return 0
	}
	if mean > 50 {
		return max(0, int64(math.Round(mean+math.Sqrt(mean)*a.r.rng.NormFloat64())))
	}
	l, k, p := math.Exp(-mean), int64(0), 1.0
	for {
		p *= a.r.rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// targets are the machines that take requests now.
func (a *aggregator) targets() []*Machine {
	var ms []*Machine
	if a.r.bal == nil {
		if m := a.r.target(); m != nil {
			ms = append(ms, m)
		}
		return ms
	}
	for _, t := range a.r.bal.Targets() {
		if t.State == lb.Healthy {
			if m := a.r.drv.byID[t.Target.ID]; m != nil && !m.stopped.Load() {
				ms = append(ms, m)
			}
		}
	}
	return ms
}

func (a *aggregator) serve(n int64, dt float64) {
	r := a.r
	r.reqs += n
	r.winReqs += n
	if r.firstSend < 0 && n > 0 {
		r.firstSend = a.eng.Nanos()
	}
	if n > 0 {
		r.lastSend = a.eng.Nanos()
	}
	if a.lam != nil {
		a.lam.serve(n, dt)
		return
	}
	for _, m := range a.active {
		m.advance(a.eng.Nanos())
		m.fluid = 0
	}
	ms := a.targets()
	a.active = append(a.active[:0], ms...)
	if len(ms) == 0 {
		r.errs += n
		r.winErrs += n
		return
	}
	k := int64(len(ms))
	for i, m := range ms {
		ni := n / k
		if int64((i+a.rot)%len(ms)) < n%k {
			ni++
		}
		a.serveOne(m, ni, dt, len(ms))
	}
	a.rot++
}

// serveOne is one target's second: CPU used, backlog and latency of ni requests.
func (a *aggregator) serveOne(m *Machine, ni int64, dt float64, k int) {
	r := a.r
	capCores := math.Min(m.peak, m.allow*m.d.cpu.VCPUFraction)
	offered := float64(ni) * a.meanW * m.d.curve.Factor(float64(ni)/dt, m.cores)
	backlog := a.back[m]
	capacity := capCores * dt
	used := math.Min(offered+backlog, capacity)
	m.advance(a.eng.Nanos())
	m.fluid = used / dt // spread over the coming second, as the requests are
	backlog = offered + backlog - used
	if backlog < 1e-12 {
		delete(a.back, m)
		backlog = 0
	} else {
		a.back[m] = backlog
	}
	if ni == 0 {
		return
	}
	if a.r.bal != nil && a.r.bytes > 0 { // the second's processed bytes, an LCU input
		a.r.bal.LCU().Bytes(ni * a.r.bytes)
	}
	if a.r.bal == nil || a.r.bal.Config().Algorithm != lb.RoundRobin {
		k = 1
	}
	lats := a.latencies(m, float64(ni)/dt, k)
	wait := backlog / capCores
	if r.bal != nil {
		wait += float64(r.door) / 1e9
	}
	timeout := float64(r.timeout)
	var done uint64
	for i, l := range lats {
		upto := uint64(math.Round(aggLevels[i] * float64(ni)))
		c := upto - done
		done = upto
		if c == 0 {
			continue
		}
		lat := (l + wait) * 1e9
		if lat > timeout {
			r.errs += int64(c)
			r.winErrs += int64(c)
			continue
		}
		r.served += int64(c)
		r.win.RecordN(int64(lat), c)
		r.total.RecordN(int64(lat), c)
	}
}

// latencies returns the steady-state latency quantiles (seconds) of machine m at rate
// requests per second, when it is one of k targets taking turns (round robin).
func (a *aggregator) latencies(m *Machine, rate float64, k int) *[aggQuantiles]float64 {
	key := latKey{allow: m.allow, bucket: int(math.Round(math.Log(math.Max(rate, 0.01)) / math.Log(1.02))), k: min(k, maxErlang)}
	if t, ok := a.cache[key]; ok {
		return t
	}
	t := steadyLatenciesK(m.d.cal, m.d.cpu, m.spec, m.allow, math.Pow(1.02, float64(key.bucket)), key.k, uint64(key.bucket)^math.Float64bits(key.allow)^uint64(key.k-1)<<40)
	a.cache[key] = t
	return t
}

// maxErlang bounds the Erlang order of round-robin arrivals; beyond it they are regular
// enough that the order no longer shows in the latencies.
const maxErlang = 32

// steadyLatencies is steadyLatenciesK with Poisson arrivals.
func steadyLatencies(cal *calibration.Calibration, cpu CPUModel, spec fleet.MachineSpec, allow, rate float64, seed uint64) *[aggQuantiles]float64 {
	return steadyLatenciesK(cal, cpu, spec, allow, rate, 1, seed)
}

// steadyLatencyRequests is how many requests each latency table is measured over.
const steadyLatencyRequests = 8000

// steadyLatenciesK simulates one machine under arrivals at rate (kept below
// saturation: beyond it the fluid backlog carries the excess) and returns the latency
// quantiles of its requests after a warm-up. The arrivals are what round robin over k
// targets leaves of a Poisson stream: every k-th arrival, so gaps are Erlang-k (k = 1:
// Poisson). That regularity is why a round-robin target queues less than a Poisson
// model says, most visibly on one-vCPU tasks.
func steadyLatenciesK(cal *calibration.Calibration, cpu CPUModel, spec fleet.MachineSpec, allow, rate float64, k int, seed uint64) *[aggQuantiles]float64 {
	capCores := math.Min(cpu.HostCores, allow*cpu.VCPUFraction)
	if cpu.VCPUFraction >= 1 {
		capCores = allow * cpu.VCPUFraction
	}
	lt := cal.LatencyTable()
	if maxRate := 0.95 * capCores / (calibration.MeanOfPercentiles(lt[:]) * cal.CPUShare()); rate > maxRate {
		rate = maxRate
	}
	eng := engine.New(DefaultOrigin)
	rec := &latRecorder{eng: eng}
	drv := NewDriver(eng, cal, cpu, rec)
	mi, _ := drv.Start(context.Background(), spec)
	m := mi.(*Machine)
	if allow != spec.VCPU {
		m.setAllowance(allow)
	}
	rt := &router{rng: rand.New(rand.NewPCG(seed, 0x1a7e)), work: cal.LatencyTable(), share: cal.CPUShare()}
	warm := steadyLatencyRequests / 10
	t := int64(0)
	for i := 0; i < steadyLatencyRequests+warm; i++ {
		gap := 0.0
		for range k {
			gap += rt.rng.ExpFloat64()
		}
		t += int64(gap / (float64(k) * rate) * 1e9)
		eng.RunUntil(t)
		l := rt.drawLatency()
		m.Arrive(l*rt.share, t-int64(l*(1-rt.share)*1e9), int32(i))
	}
	eng.RunUntil(math.MaxInt64)
	sort.Float64s(rec.lats)
	var out [aggQuantiles]float64
	for i := range out {
		if n := len(rec.lats); n > 0 {
			lo := 0.0
			if i > 0 {
				lo = aggLevels[i-1]
			}
			out[i] = rec.lats[min(n-1, int((lo+aggLevels[i])/2*float64(n)))]
		}
	}
	return &out
}

// latRecorder collects the latencies of a steady-state simulation.
type latRecorder struct {
	eng  *engine.Engine
	lats []float64
}

// Done implements Completer, keeping the requests after the warm-up.
func (l *latRecorder) Done(m *Machine, arrived int64, tag int32) {
	if tag >= steadyLatencyRequests/10 {
		l.lats = append(l.lats, float64(l.eng.Nanos()-arrived)/1e9)
	}
}

// expectedUntil is the schedule's expected arrivals in [0, t), like
// schedule.ExpectedUntil but O(1) amortised for the increasing t of the steps.
func (a *aggregator) expectedUntil(t time.Duration) float64 {
	segs := a.w.sched.Segments
	for a.seg < len(segs) && t >= a.segAt+segs[a.seg].Duration {
		g := segs[a.seg]
		a.segCum += (g.From + g.To) / 2 * g.Duration.Seconds()
		a.segAt += g.Duration
		a.seg++
	}
	if a.seg >= len(segs) {
		return a.segCum
	}
	g := segs[a.seg]
	x := (t - a.segAt).Seconds()
	slope := 0.0
	if g.Duration > 0 {
		slope = (g.To - g.From) / g.Duration.Seconds()
	}
	return a.segCum + g.From*x + slope*x*x/2
}
