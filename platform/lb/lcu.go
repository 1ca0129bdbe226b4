package lb

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// LCU dimensions: one Load Balancer Capacity Unit buys any one of these per hour, and an
// hour is billed on the dimension with the highest usage. Source: ELB pricing page (as
// copied in the project's AWS fact sheet): 25 new connections/s, 3,000 active
// connections/min, 1 GB/h processed for EC2 targets, 1,000 rule evaluations/s.
const (
	LCUNewConnectionsPerSecond = 25
	LCUActiveConnections       = 3000
	LCUProcessedBytesPerHour   = 1e9
	LCURuleEvaluationsPerSec   = 1000
	// LCUFreeRules is how many rules per request are not billed. Source: ELB pricing page.
	LCUFreeRules = 10
)

// LCUSample holds the LCU inputs measured over one period of platform time.
type LCUSample struct {
	Start  time.Time     `json:"start"`
	Period time.Duration `json:"period_ns"`
	// NewConnections is client connections opened during the period.
	NewConnections int64 `json:"new_connections"`
	// ActiveConnectionsPeak is the most client connections open at once.
	ActiveConnectionsPeak int64 `json:"active_connections_peak"`
	// ProcessedBytes is request plus response bytes.
	ProcessedBytes int64 `json:"processed_bytes"`
	// Requests is requests received; each evaluates the listener's rules once.
	Requests int64 `json:"requests"`
}

// LCU returns the capacity units the sample consumed, the maximum over the dimensions,
// given how many listener rules each request evaluates (a listener with only its default
// action evaluates 1, which is within the free 10).
func (s LCUSample) LCU(rulesPerRequest int) float64 {
	secs := s.Period.Seconds()
	if secs <= 0 {
		return 0
	}
	billedRules := rulesPerRequest - LCUFreeRules
	if billedRules < 0 {
		billedRules = 0
	}
	dims := []float64{
		float64(s.NewConnections) / secs / LCUNewConnectionsPerSecond,
		float64(s.ActiveConnectionsPeak) / LCUActiveConnections,
		float64(s.ProcessedBytes) / (secs / 3600) / LCUProcessedBytesPerHour,
		float64(s.Requests*int64(billedRules)) / secs / LCURuleEvaluationsPerSec,
	}
	m := 0.0
	for _, d := range dims {
		if d > m {
			m = d
		}
	}
	return m
}

// LCURecorder accumulates LCU inputs into fixed periods of platform time. It needs no
// timer: periods are closed lazily when an input or a read arrives, so it behaves the same
// under a virtual clock. Idle periods with no open connection are skipped. Safe for
// concurrent use.
type LCURecorder struct {
	clock  platform.Clock
	nanos  NanoClock // clock, when it can tell its time as an integer
	period time.Duration
	base   time.Time // the first period's start: end is kept as an offset from it
	base0  int64     // base as nanos' reading

	// Request, the one input counted on every request, takes no lock while the current
	// period lasts: it compares now with end (the current period's end as an offset from
	// base) and adds to reqs, which the locked paths fold into the samples before they
	// read them or close a period.
	end  atomic.Int64
	reqs atomic.Int64

	mu      sync.Mutex
	cur     LCUSample
	active  int64
	samples []LCUSample
	total   LCUSample // cumulative since creation
}

// NanoClock is a platform.Clock that can also tell its time as an integer: Nanos is the
// nanoseconds since a fixed origin, consistent with Now (Now equals the origin plus
// Nanos). The simulator's engine is one; the recorder's per-request path then skips
// time.Time arithmetic.
type NanoClock interface {
	Nanos() int64
}

// NewLCURecorder returns a recorder with periods of the given length (0: one minute).
func NewLCURecorder(clock platform.Clock, period time.Duration) *LCURecorder {
	if period <= 0 {
		period = DefaultLCUPeriod
	}
	now := clock.Now()
	r := &LCURecorder{clock: clock, period: period, base: now}
	if nc, ok := clock.(NanoClock); ok {
		r.nanos, r.base0 = nc, nc.Nanos()
	}
	r.cur = LCUSample{Start: now, Period: period}
	r.end.Store(int64(period))
	return r
}

// foldLocked adds the requests Request counted without the lock to the current period.
func (r *LCURecorder) foldLocked() {
	if n := r.reqs.Swap(0); n != 0 {
		r.cur.Requests += n
		r.total.Requests += n
	}
}

// rollLocked closes every period that ended before now.
func (r *LCURecorder) rollLocked(now time.Time) {
	if now.Before(r.cur.Start.Add(r.period)) {
		return
	}
	r.foldLocked()
	for !now.Before(r.cur.Start.Add(r.period)) {
		if r.cur != (LCUSample{Start: r.cur.Start, Period: r.period}) {
			r.samples = append(r.samples, r.cur)
		}
		next := r.cur.Start.Add(r.period)
		if r.active == 0 {
			// Nothing open: jump straight to the period containing now.
			next = next.Add(now.Sub(next) / r.period * r.period)
		}
		r.cur = LCUSample{Start: next, Period: r.period, ActiveConnectionsPeak: r.active}
	}
	r.end.Store(int64(r.cur.Start.Add(r.period).Sub(r.base)))
}

func (r *LCURecorder) update(f func(s *LCUSample)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rollLocked(r.clock.Now())
	f(&r.cur)
	f(&r.total)
}

// ConnOpened records a new client connection.
func (r *LCURecorder) ConnOpened() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rollLocked(r.clock.Now())
	r.active++
	for _, s := range []*LCUSample{&r.cur, &r.total} {
		s.NewConnections++
		s.ActiveConnectionsPeak = max(s.ActiveConnectionsPeak, r.active)
	}
}

// ConnClosed records a client connection closing.
func (r *LCURecorder) ConnClosed() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rollLocked(r.clock.Now())
	if r.active > 0 {
		r.active--
	}
}

// Request records one request received. It runs on every request, so while the current
// period lasts it only reads the clock and adds to an atomic counter; the first request
// past the period's end closes it under the lock. Under concurrent use a request that
// races with the close may count in the next period, as it may with a lock too (the
// lock's order need not be the clock's).
func (r *LCURecorder) Request() {
	var el time.Duration
	if r.nanos != nil {
		el = time.Duration(r.nanos.Nanos() - r.base0)
	} else {
		el = r.clock.Now().Sub(r.base)
	}
	if el < time.Duration(r.end.Load()) {
		r.reqs.Add(1)
		return
	}
	r.mu.Lock()
	r.rollLocked(r.clock.Now())
	r.cur.Requests++
	r.total.Requests++
	r.mu.Unlock()
}

// Bytes records processed bytes.
func (r *LCURecorder) Bytes(n int64) {
	if n > 0 {
		r.update(func(s *LCUSample) { s.ProcessedBytes += n })
	}
}

// Totals returns the inputs summed since the recorder was created; its
// ActiveConnectionsPeak is the peak over the whole run.
func (r *LCURecorder) Totals() LCUSample {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.foldLocked()
	t := r.total
	t.Start = r.clock.Now()
	return t
}

// Active returns the client connections open now.
func (r *LCURecorder) Active() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active
}

// Samples returns the closed periods with any activity, then the current, still open
// period (with Period cut to the time elapsed in it).
func (r *LCURecorder) Samples() []LCUSample {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	r.rollLocked(now)
	r.foldLocked()
	out := append([]LCUSample(nil), r.samples...)
	cur := r.cur
	cur.Period = now.Sub(cur.Start)
	if cur != (LCUSample{Start: cur.Start, Period: cur.Period}) {
		out = append(out, cur)
	}
	return out
}
