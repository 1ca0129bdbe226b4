package sim

import (
	"math"
	"time"

	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/lambda"
	"github.com/deploybench/deploybench/sim/calibration"
)

// lambdaAgg is aggregated mode for Lambda. Each step it admits the second's arrivals
// through a fluid copy of API Gateway's token bucket (the bulk equivalent of Admit),
// sizes the concurrency they need by Little's law (arrivals × a lone request's mean
// latency makes the mean of a Poisson count; the second's busiest moment is drawn as
// the maximum of the looks a second holds at it), and holds that many environments
// from the live pool with AcquireFunc: warm ones at once, new ones after their cold start, refusals
// (concurrency limit, scaling rate) as the pool decides them. Environments beyond the
// need are returned and age out by the pool's own keep-alive. Requests are billed to the
// environments that served them with Charge, at the latency distribution of a lone
// request on one environment (each environment serves one request at a time); the
// requests that met a cold start wait for it, and those refused get the throttle error.
type lambdaAgg struct {
	a   *aggregator
	lr  *lambdaRoute
	lat *[aggQuantiles]float64 // a lone request's latency on one environment (s)
	// meanLat is its mean; meanW the CPU seconds of a request; initLat what a request
	// that meets a cold start waits in addition (platform init + app start).
	meanLat, meanW, initLat float64
	// The gateway's throttle as a fluid bucket.
	rate, burst, tokens float64
	last                int64

	held    []*lambda.Env
	pending int // AcquireFunc calls not answered yet: cold starts under way
	refused int // refusals answered this step
}

func newLambdaAgg(a *aggregator, cal *calibration.Calibration, cpu CPUModel, b *Built) *lambdaAgg {
	lr := b.Lambda
	cfg := lr.p.Config()
	l := &lambdaAgg{a: a, lr: lr, meanW: a.meanW, last: a.eng.Nanos()}
	spec := fleet.MachineSpec{Name: "lambda-model", InstanceType: "lambda", VCPU: b.UnitVCPU, MemoryMiB: cfg.MemoryMB}
	lone := calibration.MeanOfPercentiles(a.r.work[:])
	// At 1 % utilisation requests practically never overlap: a lone request's latency.
	l.lat = steadyLatencies(cal, cpu, spec, b.UnitVCPU, 0.01/math.Max(lone, 1e-6), 0x1a4bda)
	for i, v := range l.lat {
		lo := 0.0
		if i > 0 {
			lo = aggLevels[i-1]
		}
		l.meanLat += v * (aggLevels[i] - lo)
	}
	l.initLat = (cal.StartupTime() + *cfg.PlatformInit).Seconds()
	gw := lr.gw.Config()
	l.rate, l.burst = gw.ThrottleRate, float64(gw.ThrottleBurst)
	l.tokens = l.burst
	return l
}

// serve is one step of n arrivals over dt seconds.
func (l *lambdaAgg) serve(n int64, dt float64) {
	r := l.a.r
	now := l.a.eng.Nanos()
	l.tokens = math.Min(l.burst, l.tokens+l.rate*float64(now-l.last)/1e9)
	l.last = now
	adm := min(n, int64(l.tokens))
	l.tokens -= float64(adm)
	if thr := n - adm; thr > 0 { // 429 from the API's throttle, not billed
		r.errs += thr
		r.winErrs += thr
	}
	l.lr.apiBilled += adm

	need := 0
	if adm > 0 {
		need = l.peakConcurrency(float64(adm)/dt, dt)
	}
	for len(l.held) > need { // the most recently acquired go back first
		e := l.held[len(l.held)-1]
		l.held = l.held[:len(l.held)-1]
		l.setLoad(e, 0)
		l.lr.pool.Return(e)
	}
	l.refused = 0
	before := l.pending
	for k := need - len(l.held) - l.pending; k > 0; k-- {
		l.acquire()
	}
	if m := float64(adm) / dt * l.meanLat; l.pending > before && m > float64(len(l.held)) {
		// When even the mean concurrency exceeds the warm environments (at the start, or
		// a steep rise), requests arriving while the new ones start find none free
		// either and start their own: the overflowing share of one INIT's arrivals.
		over := (m - float64(len(l.held))) / m
		for k := int(math.Round(float64(adm) / dt * l.initLat * over)); k > 0; k-- {
			l.acquire()
		}
	}
	cold := l.pending - before // new cold starts: each has a request waiting for it
	if adm == 0 {
		return
	}
	slots := len(l.held) + l.pending + l.refused
	nRef := int64(math.Round(float64(adm) * float64(l.refused) / float64(max(slots, 1))))
	nCold := min(adm-nRef, int64(cold))
	nWarm := adm - nRef - nCold
	if len(l.held) == 0 { // every environment is starting: the rest wait too
		nCold, nWarm = nCold+nWarm, 0
	}
	if nRef > 0 { // the function's throttle (429)
		r.errs += nRef
		r.winErrs += nRef
	}
	ms := l.record(nWarm, 0) + l.record(nCold, l.initLat)
	served := nWarm + nCold
	if k := int64(len(l.held)); k > 0 {
		for i, e := range l.held {
			ni := served / k
			if int64(i) < served%k {
				ni++
			}
			bi := ms / k
			if int64(i) < ms%k {
				bi++
			}
			l.lr.pool.Charge(e, ni, bi)
			l.setLoad(e, float64(ni)*l.meanW/dt)
		}
	}
}

// peakConcurrency draws the most requests in flight at once during a second of
// arrivals at rate: the concurrency of requests of mean latency L is Poisson with mean
// rate × L at any instant, and a second holds about 1/L independent looks at it, so its
// peak is the maximum of that many Poisson draws (normal approximation; drawn, so that
// seconds differ as they do per request).
func (l *lambdaAgg) peakConcurrency(rate, dt float64) int {
	m := rate * l.meanLat
	looks := math.Max(1, dt/math.Max(l.meanLat, 1e-6))
	u := l.a.r.rng.Float64()
	p := math.Pow(u, 1/looks) // the CDF of the maximum of looks draws is F^looks
	p = math.Min(math.Max(p, 1e-12), 1-1e-12)
	z := math.Sqrt2 * math.Erfinv(2*p-1)
	return max(1, int(math.Ceil(m+z*math.Sqrt(m))))
}

// acquire asks the pool for one more environment.
func (l *lambdaAgg) acquire() {
	l.pending++
	l.lr.pool.AcquireFunc(func(e *lambda.Env, err error) {
		l.pending--
		if err != nil {
			l.refused++
			return
		}
		l.held = append(l.held, e)
	})
}

// setLoad spreads an environment's CPU over the coming second, for the pool's sampler.
func (l *lambdaAgg) setLoad(e *lambda.Env, cores float64) {
	if m := l.a.r.drv.byID[e.ID()]; m != nil {
		m.advance(l.a.eng.Nanos())
		m.fluid = cores
	}
}

// record adds ni requests at the lone-request latency distribution plus wait seconds
// and returns their billed milliseconds (the time in the function: the wait and the
// gateway's overhead are not billed; a cold start's INIT is, through Charge).
func (l *lambdaAgg) record(ni int64, wait float64) int64 {
	if ni <= 0 {
		return 0
	}
	r := l.a.r
	timeout := float64(r.timeout)
	var done uint64
	var billed int64
	for i, v := range l.lat {
		upto := uint64(math.Round(aggLevels[i] * float64(ni)))
		c := upto - done
		done = upto
		if c == 0 {
			continue
		}
		billed += int64(c) * lambda.BilledMillis(time.Duration(v*1e9))
		lat := (v+wait)*1e9 + float64(r.door)
		if lat > timeout {
			r.errs += int64(c)
			r.winErrs += int64(c)
			continue
		}
		r.served += int64(c)
		r.win.RecordN(int64(lat), c)
		r.total.RecordN(int64(lat), c)
	}
	return billed
}
