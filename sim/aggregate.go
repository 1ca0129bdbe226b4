package sim

import (
	"math"
	"time"

	"github.com/deploybench/deploybench/platform/lb"
)

// AggregateStep is the aggregated mode's time step: every second, like the fleets' CPU
// sampling, so the controllers see the same utilisation series they would per request.
const AggregateStep = time.Second

// aggQuantiles is how many points of the work distribution each step records.
const aggQuantiles = 20

// aggregator is the aggregated mode. Each step it draws the number of arrivals of the
// last second (Poisson around the schedule's integral), splits them evenly over the
// balancer's healthy targets (round robin's long-run share), and per target turns the
// offered work into CPU time with a fluid queue (work beyond the allowance waits as
// backlog) and latency with a queueing approximation: the unqueued service time scaled by
// the processor-sharing slowdown for the utilisation — 1/(1−ρ) for one core, the Erlang
// C mean wait for more — plus the time the backlog takes to clear. The platform models
// run on the same clock as in per-request mode; only requests are approximated.
type aggregator struct {
	eng   *Engine
	r     *router
	w     *workload
	t0    int64
	hid   int32
	meanW float64
	q     [aggQuantiles]float64
	rot   int
	back  map[*Machine]float64
	ids   []lb.TargetState
}

func newAggregator(eng *Engine, r *router, w *workload, t0 int64) *aggregator {
	a := &aggregator{eng: eng, r: r, w: w, t0: t0, back: map[*Machine]float64{}}
	a.hid = eng.AddHandler(a)
	a.meanW = meanOfPercentiles(r.work[:])
	for i := range a.q {
		u := (float64(i) + 0.5) / aggQuantiles * 100
		k := int(u)
		a.q[i] = r.work[k] + (r.work[min(k+1, 100)]-r.work[k])*(u-float64(k))
	}
	eng.Schedule(t0+int64(AggregateStep), a.hid, 0, 0)
	return a
}

func (a *aggregator) runUntil(at int64) { a.eng.RunUntil(at) }

// Handle implements Handler: one step.
func (a *aggregator) Handle(int32, uint32) {
	now := a.eng.now
	dt := AggregateStep.Seconds()
	from, to := time.Duration(now-a.t0-int64(AggregateStep)), time.Duration(now-a.t0)
	if from < a.w.sched.Duration() {
		mean := a.w.sched.ExpectedUntil(to) - a.w.sched.ExpectedUntil(from)
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
		r.firstSend = a.eng.now
	}
	if n > 0 {
		r.lastSend = a.eng.now
	}
	ms := a.targets()
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
		a.serveOne(m, ni, dt)
	}
	a.rot++
}

// serveOne is one target's second: CPU used, backlog and latency of ni requests.
func (a *aggregator) serveOne(m *Machine, ni int64, dt float64) {
	r := a.r
	capCores := math.Min(m.peak, m.allow*m.d.cpu.VCPUFraction)
	offered := float64(ni) * a.meanW
	backlog := a.back[m]
	capacity := capCores * dt
	used := math.Min(offered+backlog, capacity)
	m.busy += used
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
	rho := math.Min(0.98, offered/capacity)
	slow := psSlowdown(capCores, rho)
	wait := backlog / capCores
	per := uint64(ni) / aggQuantiles
	rest := uint64(ni) % aggQuantiles
	timeout := float64(r.timeout)
	for i, w := range a.q {
		c := per
		if uint64(i) < rest {
			c++
		}
		if c == 0 {
			continue
		}
		lat := (w*slow + wait) * 1e9
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

// psSlowdown is the mean response time over the unqueued service time of processor
// sharing on c cores at utilisation rho, each request using at most one core: 1/(1−ρ) for
// one core (M/G/1-PS) and 1 + ErlangC/(c(1−ρ)) for c cores (its queue lengths are those of
// M/M/c). Below one core (a CFS quota) a lone request still runs at full speed, so the
// one-core form applies to the quota's utilisation.
func psSlowdown(c, rho float64) float64 {
	if rho <= 0 {
		return 1
	}
	if c <= 1 {
		return 1 / (1 - rho)
	}
	n := int(math.Floor(c))
	return 1 + erlangC(n, rho*float64(n))/(float64(n)*(1-rho))
}

// erlangC is the probability of waiting in M/M/n with offered load a = λ/μ.
func erlangC(n int, a float64) float64 {
	// Erlang B by recursion, then C from B.
	b := 1.0
	for k := 1; k <= n; k++ {
		b = a * b / (float64(k) + a*b)
	}
	rho := a / float64(n)
	if rho >= 1 {
		return 1
	}
	return b / (1 - rho*(1-b))
}
