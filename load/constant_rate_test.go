package load

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Must show 1 (open half): 200 req/s against a 20 ms server achieves 200 ± 2 % with
// p50 ≈ 20 ms.
func TestConstantRate200(t *testing.T) {
	srv := newServer(t, fixedDelay(20*time.Millisecond))
	attempts(t, 3, func(c *checker) {
		var windows []Window
		var mu sync.Mutex
		res := runLoad(t, Config{Rate: 200, Duration: dur(3 * time.Second)}, srv.URL, Options{OnWindow: func(w Window) {
			mu.Lock()
			windows = append(windows, w)
			mu.Unlock()
		}})
		c.within("rate_achieved", res.RateAchieved, 196, 204)
		c.within("rate_intended", res.RateIntended, 199.9, 200.1)
		c.within("p50 ms", res.Latency.P50, 19.9, 30)
		if res.Requests != 600 || res.Errors != 0 || res.Dropped != 0 || res.Outcomes["2xx"] != 600 || res.Bytes != 1200 {
			c.errorf("requests %d errors %d dropped %d outcomes %v bytes %d", res.Requests, res.Errors, res.Dropped, res.Outcomes, res.Bytes)
		}
		if res.LatencyBasis != BasisIntended || res.ServiceLatency.P50 > res.Latency.P50 {
			c.errorf("basis %q, service p50 %v above total p50 %v", res.LatencyBasis, res.ServiceLatency.P50, res.Latency.P50)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(windows) < 3 || len(windows) != len(res.Windows) {
			c.errorf("%d windows streamed, %d in the result; want ≥ 3 and equal", len(windows), len(res.Windows))
			return
		}
		var sum int64
		for i, w := range res.Windows {
			sum += w.Requests
			if i > 0 && i < 3 {
				c.within("window rate", w.Rate, 150, 250)
			}
		}
		if sum != res.Requests {
			c.errorf("windows hold %d requests, result %d", sum, res.Requests)
		}
	})
}

// Arrivals beyond max_inflight are dropped, never queued: with a server that holds every
// request, exactly max_inflight get through and the rest are counted as dropped.
func TestMaxInflightDrops(t *testing.T) {
	release := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	run, err := Start(context.Background(), Config{Rate: 200, Duration: dur(500 * time.Millisecond), MaxInflight: 5}, srv.URL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := run.eng.rec
	waitFor(t, "95 drops", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return rec.dropped >= 95
	})
	close(release)
	res := run.Wait()
	if res.Requests != 5 || res.Dropped != 95 || res.MaxInFlight != 5 {
		t.Errorf("requests %d dropped %d max in flight %d; want 5, 95, 5", res.Requests, res.Dropped, res.MaxInFlight)
	}
	within(t, "rate_intended", res.RateIntended, 199.9, 200.1)
	within(t, "rate_achieved", res.RateAchieved, 9.9, 10.1)
}

// A canceled context stops the run: the result is marked partial and keeps what was
// measured.
func TestCancelGivesPartialResult(t *testing.T) {
	srv := newServer(t, fixedDelay(5*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, err := Start(ctx, Config{Rate: 100, Duration: dur(time.Minute)}, srv.URL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "20 requests", func() bool {
		run.eng.rec.mu.Lock()
		defer run.eng.rec.mu.Unlock()
		return run.eng.rec.requests >= 20
	})
	cancel()
	res := run.Wait()
	if !res.Partial || res.Requests < 20 || res.DurationS >= 60 {
		t.Errorf("partial %v requests %d duration %v; want partial with ≥ 20 requests, well under 60 s", res.Partial, res.Requests, res.DurationS)
	}
	within(t, "rate_intended of the partial run", res.RateIntended, 80, 120)
	run.Stop() // harmless after the end
}

func TestCountBoundedRate(t *testing.T) {
	srv := newServer(t, fixedDelay(0))
	res := runLoad(t, Config{Rate: 500, Requests: 50, Spacing: "poisson", Seed: 3}, srv.URL, Options{})
	if res.Requests != 50 || res.Partial {
		t.Errorf("requests %d partial %v; want 50, complete", res.Requests, res.Partial)
	}
	within(t, "duration_s", res.DurationS, 0.05, 0.2)
}
