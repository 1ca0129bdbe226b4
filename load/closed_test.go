package load

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// Must show 1 (closed half): 10 users against a 20 ms server give ≈ 500 req/s with
// p50 ≈ 20 ms. The bounds leave room for a loaded machine; the exact figures go to
// docs/perf-load.md.
func TestClosedTenUsers(t *testing.T) {
	srv := newServer(t, fixedDelay(20*time.Millisecond))
	var res *Result
	attempts(t, 3, func(c *checker) {
		res = runLoad(t, Config{VUs: 10, Duration: dur(2 * time.Second)}, srv.URL, Options{})
		c.within("rate_achieved", res.RateAchieved, 380, 505)
		c.within("p50 ms", res.Latency.P50, 19.9, 30)
	})
	if res.LatencyBasis != BasisSent || res.Latency != res.ServiceLatency {
		t.Errorf("closed model: basis %q, latency %+v vs service %+v; want send_time and equal", res.LatencyBasis, res.Latency, res.ServiceLatency)
	}
	if res.Partial || res.Errors != 0 || res.MaxInFlight != 10 || res.RateIntended != 0 {
		t.Errorf("partial %v errors %d max in flight %d intended %v", res.Partial, res.Errors, res.MaxInFlight, res.RateIntended)
	}
	if res.DurationS != 2 {
		t.Errorf("duration_s %v, want 2", res.DurationS)
	}
}

func TestClosedThinkAndCount(t *testing.T) {
	var hits atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	think, _ := ParseThink("5-15ms")
	start := time.Now()
	res := runLoad(t, Config{VUs: 4, Think: think, Requests: 60}, srv.URL, Options{})
	if res.Requests != 60 || hits.Load() != 60 {
		t.Fatalf("requests %d, server saw %d; want 60", res.Requests, hits.Load())
	}
	// 4 users × 15 requests × ≥5 ms of think each: at least ~70 ms even on a fast box.
	if el := time.Since(start); el < 14*5*time.Millisecond {
		t.Errorf("60 requests with 5-15ms think by 4 users took only %v", el)
	}
}
