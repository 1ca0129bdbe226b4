package sim

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/sim/calibration"
	"github.com/deploybench/deploybench/sim/engine"
)

// router is per-request mode: it takes each request from the source, routes it with the
// platform's own balancer (Pick, then Release when it ends), draws its CPU work from the
// calibration and hands it to the machine; it records latency and errors. Nothing on
// this path allocates.
type router struct {
	eng   *engine.Engine
	drv   *Driver
	bal   *lb.Balancer
	src   Source
	rng   *rand.Rand
	work  [101]float64 // unqueued latency percentiles (s)
	share float64      // CPU share of the unqueued latency
	door  int64        // latency the balancer's proxy adds (ns), when there is one
	bytes int64        // bytes the balancer processes per request (an LCU input)
	// wid widens latencies with the host's request rate when the simulation reproduces a
	// one-host live run (calibration.HostLoad); inactive otherwise. rate is the requests
	// sent in the last whole second, counted from rateWin.
	wid     calibration.Widening
	rate    float64
	rateWin int64
	rateN   int
	timeout int64
	maxIn   int
	hid     int32

	bySeq  []*Machine   // the machine of each balancer registration (lb.Ticket.Seq)
	direct *Machine     // EC2: the instance's own address
	lam    *lambdaRoute // Lambda: API Gateway and the function's pool

	inflight            int
	total, win          engine.Hist
	reqs, errs          int64
	winReqs, winErrs    int64
	served              int64
	lastSend, firstSend int64
}

func newRouter(eng *engine.Engine, rng *rand.Rand, cal *calibration.Calibration, timeout time.Duration, maxInflight int) *router {
	r := &router{eng: eng, rng: rng, work: cal.LatencyTable(), share: cal.CPUShare(), door: int64(cal.FrontDoorMs * 1e6), bytes: int64(math.Round(cal.BytesPerRequest)), timeout: int64(timeout), maxIn: maxInflight, firstSend: -1}
	r.hid = eng.AddHandler(r)
	return r
}

// drawLatency samples one request's unqueued latency (seconds) from the calibration's
// percentiles by inverse transform with linear interpolation.
func (r *router) drawLatency() float64 {
	l, _ := r.drawAt()
	return l
}

// drawAt is drawLatency that also returns the percentile position drawn, in [0, 100).
func (r *router) drawAt() (float64, float64) {
	u := r.rng.Float64() * 100
	i := int(u)
	if i >= 100 {
		return r.work[100], u
	}
	f := u - float64(i)
	return r.work[i] + (r.work[i+1]-r.work[i])*f, u
}

// drawRequest draws a request sent at now: its CPU work (core-seconds, served on the
// machine) and the rest of its latency (ns: client, network and HTTP stack, which use no
// instance CPU, plus the host's widening at the current rate).
func (r *router) drawRequest(now int64) (work float64, extra int64) {
	l, u := r.drawAt()
	work = l * r.share
	if r.wid.Active() {
		if el := now - r.rateWin; el >= int64(time.Second) {
			r.rate = float64(r.rateN) * 1e9 / float64(el)
			r.rateWin, r.rateN = now, 0
		}
		r.rateN++
		l *= r.wid.Factor(r.rate, u)
	}
	return work, int64((l - work) * 1e9)
}

// target returns the machine a new request goes to, or nil (503).
func (r *router) target() *Machine {
	if r.bal != nil {
		t, ok := r.bal.Take()
		if !ok {
			return nil
		}
		m := r.machineOf(t)
		if m == nil {
			r.bal.Finish(t, lb.Outcome{})
			return nil
		}
		m.ticket = t
		return m
	}
	if r.direct != nil && r.direct.ready && !r.direct.stopped.Load() {
		return r.direct
	}
	r.direct = nil
	for _, m := range r.drv.Started {
		if m.ready && !m.stopped.Load() {
			r.direct = m
			return m
		}
	}
	return nil
}

// machineOf returns the machine the balancer's ticket routes to, or nil. Registrations
// are numbered, so after a target's first request it is a slice index, not a lookup of
// its ID.
func (r *router) machineOf(t lb.Ticket) *Machine {
	seq := t.Seq()
	if seq < len(r.bySeq) && r.bySeq[seq] != nil {
		return r.bySeq[seq]
	}
	m := r.drv.byID[t.Target().ID]
	if m != nil {
		for len(r.bySeq) <= seq {
			r.bySeq = append(r.bySeq, nil)
		}
		r.bySeq[seq] = m
	}
	return m
}

// send routes one request now; tag goes back to the source when it ends.
func (r *router) send(tag int32) {
	now := r.eng.Nanos()
	if r.firstSend < 0 {
		r.firstSend = now
	}
	r.lastSend = now
	r.reqs++
	r.winReqs++
	if r.lam != nil {
		r.sendLambda(now, tag)
		return
	}
	var m *Machine
	if r.inflight < r.maxIn {
		m = r.target()
	}
	if m == nil {
		r.reject(now, tag)
		return
	}
	r.inflight++
	// The CPU part of the request is served on the machine; the rest (client, network)
	// uses no instance CPU and is added to its latency by backdating its arrival.
	w, extra := r.drawRequest(now)
	if r.bal != nil {
		extra += r.door
	}
	m.Arrive(w, now-extra, tag)
}

// reject counts a request answered with an error at now.
func (r *router) reject(now int64, tag int32) {
	r.errs++
	r.winErrs++
	if tag >= 0 { // a closed-model user hears of the error after a round trip
		r.eng.Schedule(now+int64(time.Millisecond), r.hid, tag, 0)
	}
}

// Handle implements engine.Handler: a failed request's answer reaches its closed-model user.
func (r *router) Handle(tag int32, _ uint32) { r.src.Completed(tag) }

// Done implements Completer.
func (r *router) Done(m *Machine, arrived int64, tag int32) {
	if m.env != nil && m.envExtra > 0 { // a Lambda invoke's round trip still to come
		d := m.envExtra
		m.envExtra = 0
		r.eng.AfterFunc(time.Duration(d), func() { r.Done(m, arrived, tag) })
		return
	}
	r.inflight--
	lat := r.eng.Nanos() - arrived
	failed := m.env != nil && r.doneLambda(m)
	if lat > r.timeout || failed {
		r.errs++
		r.winErrs++
	} else {
		r.served++
		r.total.Record(lat)
		r.win.Record(lat)
	}
	if r.bal != nil {
		r.bal.Finish(m.ticket, lb.Outcome{BytesIn: r.bytes})
	}
	if tag >= 0 {
		r.src.Completed(tag)
	}
}
