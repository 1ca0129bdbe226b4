package lb

import (
	"sync"
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
	period time.Duration

	mu      sync.Mutex
	cur     LCUSample
	active  int64
	samples []LCUSample
	total   LCUSample // cumulative since creation
}

// NewLCURecorder returns a recorder with periods of the given length (0: one minute).
func NewLCURecorder(clock platform.Clock, period time.Duration) *LCURecorder {
	if period <= 0 {
		period = DefaultLCUPeriod
	}
	r := &LCURecorder{clock: clock, period: period}
	r.cur = LCUSample{Start: clock.Now(), Period: period}
	return r
}

// rollLocked closes every period that ended before now.
func (r *LCURecorder) rollLocked(now time.Time) {
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

// Request records one request received.
func (r *LCURecorder) Request() { r.update(func(s *LCUSample) { s.Requests++ }) }

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
	out := append([]LCUSample(nil), r.samples...)
	cur := r.cur
	cur.Period = now.Sub(cur.Start)
	if cur != (LCUSample{Start: cur.Start, Period: cur.Period}) {
		out = append(out, cur)
	}
	return out
}
