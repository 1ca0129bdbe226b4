package load

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// staller is a server that freezes once for stall: every request arriving while it is
// frozen waits until the freeze ends, like a GC pause or a stuck event loop.
type staller struct {
	after, stall time.Duration
	start        time.Time
	mu           sync.Mutex
	from, until  time.Time
}

func (s *staller) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	s.mu.Lock()
	if s.from.IsZero() && now.Sub(s.start) >= s.after {
		s.from, s.until = now, now.Add(s.stall)
	}
	until := s.until
	s.mu.Unlock()
	if now.Before(until) {
		select {
		case <-time.After(time.Until(until)):
		case <-r.Context().Done():
		}
	}
}

// Must show 2: coordinated omission. The server stalls for 1 s once. The open model
// keeps sending on schedule, so the ~100 requests due during the stall each wait for
// the rest of it and their latency, measured from the intended send time, is the
// remaining stall. p99 and max reflect the stall.
func TestOpenModelShowsStall(t *testing.T) {
	attempts(t, 3, checkOpenModelShowsStall)
}

func checkOpenModelShowsStall(c *checker) {
	st := &staller{after: 500 * time.Millisecond, stall: time.Second, start: time.Now()}
	srv := httptest.NewServer(st)
	defer srv.Close()
	var mu sync.Mutex
	var samples []sample
	r, err := Start(context.Background(), Config{Rate: 100, Duration: dur(2500 * time.Millisecond)}, srv.URL, Options{sampleHook: func(s sample) {
		mu.Lock()
		samples = append(samples, s)
		mu.Unlock()
	}})
	if err != nil {
		c.errorf("%v", err)
		return
	}
	res := r.Wait()
	st.mu.Lock()
	from, until := st.from, st.until
	st.mu.Unlock()
	if from.IsZero() {
		c.errorf("the server never stalled")
		return
	}
	due := 0
	for _, s := range samples {
		if s.intended.Before(from) || !s.intended.Before(until) {
			continue
		}
		due++
		lat := s.done.Sub(s.intended)
		remaining := until.Sub(s.intended)
		if lat < remaining-5*time.Millisecond || lat > remaining+100*time.Millisecond {
			c.errorf("request due %v into the stall: latency %v, want ≈ remaining stall %v", s.intended.Sub(from), lat, remaining)
		}
	}
	// Sent on schedule, not held back by the stall: about rate × stall of them.
	if due < 90 || due > 101 {
		c.errorf("%d requests were due during the 1 s stall at 100/s, want ≈ 100", due)
	}
	c.within("max ms", res.Latency.Max, 950, 1150)
	c.within("p99 ms", res.Latency.P99, 800, 1150)
	c.within("p90 ms", res.Latency.P90, 400, 1100)
	if res.Requests != 250 || res.Dropped != 0 {
		c.errorf("requests %d dropped %d, want 250 and 0", res.Requests, res.Dropped)
	}
}

// The same stall against the closed model: each user waits, so only a handful of
// requests see it and p90 stays low — the omission the open model avoids.
func TestClosedModelHidesStall(t *testing.T) {
	attempts(t, 3, func(c *checker) {
		st := &staller{after: 300 * time.Millisecond, stall: time.Second, start: time.Now()}
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			st.ServeHTTP(w, r)
			<-time.After(10 * time.Millisecond)
		})
		res := runLoad(t, Config{VUs: 2, Duration: dur(2 * time.Second)}, srv.URL, Options{})
		c.within("max ms", res.Latency.Max, 900, 1150)
		c.within("p90 ms", res.Latency.P90, 9, 100)
	})
}
