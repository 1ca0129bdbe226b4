package load

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The batch executor sends exactly Parallel requests at once, waits for all, and
// reports each batch as a stage.
func TestBatchNineByFour(t *testing.T) {
	var cur, peak, total atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		total.Add(1)
		<-time.After(20 * time.Millisecond)
		cur.Add(-1)
	})
	b, _ := ParseBatch("9x4/10ms")
	res := runLoad(t, Config{Batch: &b}, srv.URL, Options{})
	if res.Requests != 36 || total.Load() != 36 || peak.Load() != 9 {
		t.Fatalf("requests %d, server saw %d with peak concurrency %d; want 36 and 9", res.Requests, total.Load(), peak.Load())
	}
	if len(res.Stages) != 4 {
		t.Fatalf("%d stages, want 4", len(res.Stages))
	}
	for i, s := range res.Stages {
		if s.Requests != 9 || s.Latency.Min < 19.9 || s.DurationS < 0.019 {
			t.Errorf("batch %d: %+v", i, s)
		}
		if i > 0 && s.StartS < res.Stages[i-1].StartS+res.Stages[i-1].DurationS+0.009 {
			t.Errorf("batch %d started at %v before the previous one ended plus the pause", i, s.StartS)
		}
	}
}

func TestRampingStages(t *testing.T) {
	srv := newServer(t, fixedDelay(0))
	stages, err := ParseStages("1s:100,1s:100,500ms:0")
	if err != nil {
		t.Fatal(err)
	}
	res := runLoad(t, Config{Stages: stages}, srv.URL, Options{})
	// expected arrivals: 50 + 100 + 25
	if res.Requests != 175 || len(res.Stages) != 3 {
		t.Fatalf("requests %d stages %d, want 175 and 3", res.Requests, len(res.Stages))
	}
	for i, want := range []int64{50, 100, 25} {
		if got := res.Stages[i].Requests; got < want-1 || got > want+1 {
			t.Errorf("stage %d: %d requests, want %d", i, got, want)
		}
	}
	within(t, "stage 2 intended rate", res.Stages[1].RateIntended, 99, 101)
	within(t, "duration_s", res.DurationS, 2.5, 2.5)
}

func TestTraceReplay(t *testing.T) {
	srv := newServer(t, fixedDelay(0))
	f := filepath.Join(t.TempDir(), "trace.csv")
	if err := os.WriteFile(f, []byte("offset_seconds,count\n0,10\n1,30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runLoad(t, Config{Trace: f, TraceSpeedup: 4}, srv.URL, Options{})
	if res.Requests != 40 {
		t.Errorf("requests %d, want 40", res.Requests)
	}
	within(t, "duration_s", res.DurationS, 0.5, 0.5)
}

// Bodies from a directory go round-robin in name order, with the method and headers.
func TestBodiesMethodHeaders(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"b.bin": "two", "a.bin": "one", "c.bin": "three"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var got []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Test")+" "+r.Host+" "+string(b))
		mu.Unlock()
	})
	res := runLoad(t, Config{VUs: 1, Requests: 4, Body: dir, Path: "/predict", Headers: map[string]string{"X-Test": "yes", "Host": "front.door"}}, srv.URL+"/", Options{})
	if res.Requests != 4 {
		t.Fatalf("requests %d", res.Requests)
	}
	want := []string{"POST /predict yes front.door one", "POST /predict yes front.door two", "POST /predict yes front.door three", "POST /predict yes front.door one"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d: %q, want %q", i, got[i], want[i])
		}
	}
}

func TestStartRejectsBadInput(t *testing.T) {
	ok := Config{Rate: 1, Duration: dur(time.Second)}
	tests := []struct {
		name   string
		cfg    Config
		target string
		want   string
	}{
		{"no scheme", ok, "127.0.0.1:80", "not an http(s) URL"},
		{"ftp", ok, "ftp://127.0.0.1/", "not an http(s) URL"},
		{"no host", ok, "http://", "not an http(s) URL"},
		{"invalid config", Config{Rate: 1}, "http://127.0.0.1/", "load.duration"},
		{"missing body", Config{Rate: 1, Duration: dur(time.Second), Body: "/nonexistent/body"}, "http://127.0.0.1/", "load.body"},
		{"missing trace", Config{Trace: "/nonexistent/trace.csv"}, "http://127.0.0.1/", "load.trace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Start(t.Context(), tt.cfg, tt.target, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one naming %q", err, tt.want)
			}
		})
	}
}

// max_conns caps the connections; requests beyond it wait for one inside the client.
func TestMaxConns(t *testing.T) {
	var mu sync.Mutex
	conns := map[string]bool{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conns[r.RemoteAddr] = true
		mu.Unlock()
		<-time.After(5 * time.Millisecond)
	})
	res := runLoad(t, Config{VUs: 8, Requests: 80, MaxConns: 2}, srv.URL, Options{})
	mu.Lock()
	defer mu.Unlock()
	if res.Requests != 80 || len(conns) > 2 {
		t.Errorf("requests %d over %d connections; want 80 over ≤ 2", res.Requests, len(conns))
	}
}

// Stop ends a run early, and a finished run leaves no goroutine behind: no workers, no
// window ticker, no idle connections.
func TestStopLeavesNothingBehind(t *testing.T) {
	srv := newServer(t, fixedDelay(2*time.Millisecond))
	before := runtime.NumGoroutine()
	for _, cfg := range []Config{
		{Rate: 300, Duration: dur(time.Minute)},
		{VUs: 5, Duration: dur(time.Minute)},
		{Batch: &Batch{Parallel: 5, Repeats: 1000}},
	} {
		r, err := Start(t.Context(), cfg, srv.URL, Options{})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "some requests", func() bool {
			r.eng.rec.mu.Lock()
			defer r.eng.rec.mu.Unlock()
			return r.eng.rec.requests >= 10
		})
		r.Stop()
		res := r.Wait()
		if !res.Partial || res.Requests < 10 {
			t.Errorf("%s: partial %v requests %d", res.Executor, res.Partial, res.Requests)
		}
	}
	srv.CloseClientConnections()
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}
