package frontdoor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/lb"
)

// backend is a real HTTP server on 127.0.0.1 that answers with its name.
func backend(t testing.TB, name string, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	if h == nil {
		h = func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name) }
	}
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func targetOf(id string, s *httptest.Server) lb.Target {
	return lb.Target{ID: id, Addr: s.Listener.Addr().String()}
}

// startProxy starts a proxy on a fake clock with health checks disabled (targets are in
// service at once) unless a prober is given.
func startProxy(t testing.TB, cfg lb.Config, pcfg Config, p lb.Prober) (*Proxy, *lb.Balancer, *clocktest.Clock) {
	t.Helper()
	c := clocktest.New(t0)
	b, err := lb.New(cfg, c, p)
	if err != nil {
		t.Fatal(err)
	}
	px, err := Listen(b, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	return px, b, c
}

// get fetches url and returns status and body.
func get(t testing.TB, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	if c.Addr != "127.0.0.1:0" || c.IdleTimeout != time.Minute || c.TargetTimeout != time.Minute || c.ConnectTimeout != 10*time.Second {
		t.Errorf("defaults = %+v", c)
	}
	if err := (Config{IdleTimeout: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "idle_timeout") {
		t.Errorf("Validate of negative idle timeout = %v", err)
	}
}

func TestProxyForwards(t *testing.T) {
	var gotHost, gotXFF string
	be := backend(t, "a", func(w http.ResponseWriter, r *http.Request) {
		gotHost, gotXFF = r.Host, r.Header.Get("X-Forwarded-For")
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "a:%s:%s", r.URL.Path, body)
	})
	px, b, _ := startProxy(t, lb.Config{}, Config{}, nil)
	if err := b.Register(targetOf("a", be)); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", px.URL()+"/predict?x=1", strings.NewReader("digits"))
	req.Host = "my-alb.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "a:/predict:digits" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	if gotHost != "my-alb.example" || gotXFF != "127.0.0.1" {
		t.Errorf("backend saw Host %q, X-Forwarded-For %q", gotHost, gotXFF)
	}
	st := px.Stats()
	a := st.Targets[0]
	if a.Requests != 1 || a.Codes.C2xx != 1 || a.BytesIn < int64(len("digits")) || a.BytesOut < int64(len(body)) || st.Status[200] != 1 {
		t.Errorf("stats = %+v", st)
	}
	if st.NewConnections < 1 || st.ProcessedBytes != a.BytesIn+a.BytesOut {
		t.Errorf("connections %d, processed bytes %d", st.NewConnections, st.ProcessedBytes)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestProxyErrorStatuses(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := backend(t, "slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	reset := backend(t, "reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // send RST
			}
			conn.Close()
		}
	})
	failing := backend(t, "failing", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "model not loaded", http.StatusInternalServerError)
	})
	tests := []struct {
		name   string
		target *lb.Target
		want   int
		byELB  bool
	}{
		{"no target: 503", nil, 503, true},
		{"refused: 502", &lb.Target{ID: "closed", Addr: closedPort(t)}, 502, true},
		{"reset: 502", &lb.Target{ID: "reset", Addr: reset.Listener.Addr().String()}, 502, true},
		{"too slow: 504", &lb.Target{ID: "slow", Addr: slow.Listener.Addr().String()}, 504, true},
		{"target's own 500 passes through", &lb.Target{ID: "failing", Addr: failing.Listener.Addr().String()}, 500, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			px, b, _ := startProxy(t, lb.Config{}, Config{TargetTimeout: 200 * time.Millisecond}, nil)
			if tt.target != nil {
				if err := b.Register(*tt.target); err != nil {
					t.Fatal(err)
				}
			}
			code, body := get(t, http.DefaultClient, px.URL()+"/")
			if code != tt.want {
				t.Fatalf("status %d (%q), want %d", code, body, tt.want)
			}
			st := px.Stats()
			if st.Status[tt.want] != 1 {
				t.Errorf("Status[%d] = %d, want 1 (%v)", tt.want, st.Status[tt.want], st.Status)
			}
			if tt.target != nil {
				ts := st.Targets[0]
				if tt.byELB && ts.ELB[tt.want] != 1 || !tt.byELB && ts.Codes.C5xx != 1 {
					t.Errorf("target stats %+v", ts)
				}
				if ts.InFlight != 0 || st.InFlight != 0 {
					t.Errorf("in flight after the response: %d/%d", ts.InFlight, st.InFlight)
				}
			}
		})
	}
}

// gated is a backend whose requests block until the test opens the gate, announcing
// each arrival.
type gated struct {
	srv     *httptest.Server
	arrived chan struct{}
	gate    chan struct{}
	once    sync.Once
}

func newGated(t testing.TB, name string) *gated {
	g := &gated{arrived: make(chan struct{}, 100), gate: make(chan struct{})}
	g.srv = backend(t, name, func(w http.ResponseWriter, r *http.Request) {
		g.arrived <- struct{}{}
		select {
		case <-g.gate:
			io.WriteString(w, name)
		case <-r.Context().Done():
		}
	})
	t.Cleanup(g.open)
	return g
}

func (g *gated) open() { g.once.Do(func() { close(g.gate) }) }

type result struct {
	code int
	body string
	err  error
}

func getAsync(url string) chan result {
	ch := make(chan result, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			ch <- result{err: err}
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ch <- result{code: resp.StatusCode, body: string(body)}
	}()
	return ch
}

func TestProxyDrainLetsInFlightFinish(t *testing.T) {
	a := newGated(t, "a")
	bsrv := backend(t, "b", nil)
	log := &eventLog{}
	px, b, _ := startProxy(t, lb.Config{Observer: log.observe}, Config{}, nil)
	if err := b.Register(targetOf("a", a.srv)); err != nil {
		t.Fatal(err)
	}
	if err := b.Register(targetOf("b", bsrv)); err != nil {
		t.Fatal(err)
	}
	inflight := getAsync(px.URL()) // round robin: a first
	<-a.arrived
	if err := b.Deregister("a"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		if code, body := get(t, http.DefaultClient, px.URL()); code != 200 || body != "b" {
			t.Fatalf("request %d during drain went to %q (%d), want b", i, body, code)
		}
	}
	if s := stateOf(b, "a"); s != lb.Draining {
		t.Fatalf("a is %v while its request runs, want draining", s)
	}
	a.open()
	r := <-inflight
	if r.err != nil || r.code != 200 || r.body != "a" {
		t.Fatalf("in-flight request: %+v, want 200 from a", r)
	}
	waitFor(t, "a removed", func() bool { return stateOf(b, "a") == lb.Unused })
	evs := log.all()
	last := evs[len(evs)-1]
	if last.Target.ID != "a" || last.To != lb.Unused || !strings.Contains(last.Reason, "drained") {
		t.Errorf("last event %+v", last)
	}
}

func TestProxyDrainDelayCutsRequests(t *testing.T) {
	a := newGated(t, "a")
	px, b, c := startProxy(t, lb.Config{}, Config{}, nil)
	if err := b.Register(targetOf("a", a.srv)); err != nil {
		t.Fatal(err)
	}
	inflight := getAsync(px.URL())
	<-a.arrived
	if err := b.Deregister("a"); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, http.DefaultClient, px.URL()); code != 503 {
		t.Errorf("new request while the only target drains: %d, want 503", code)
	}
	c.Advance(299 * time.Second)
	if s := stateOf(b, "a"); s != lb.Draining {
		t.Fatalf("a is %v before the delay ends", s)
	}
	c.Advance(time.Second)
	r := <-inflight
	if r.err != nil || r.code != 502 {
		t.Errorf("request cut by the expired delay: %+v, want 502", r)
	}
	if s := stateOf(b, "a"); s != lb.Unused {
		t.Errorf("a is %v after the delay, want removed", s)
	}
}

// TestProxyLeastOutstandingPrefersIdle runs concurrent clients against a target that
// hangs and one that answers at once. Round robin keeps sending every other request to the
// hung target until every client is stuck there; least outstanding requests sends it only
// what ties allow and lets the idle target serve nearly everything.
func TestProxyLeastOutstandingPrefersIdle(t *testing.T) {
	tests := []struct {
		algo         string
		minBusyShare float64
		maxBusyShare float64
	}{
		{lb.LeastOutstandingRequests, 0, 0.1},
		{lb.RoundRobin, 0.4, 0.6},
	}
	for _, tt := range tests {
		t.Run(tt.algo, func(t *testing.T) {
			busy := newGated(t, "busy")
			idle := backend(t, "idle", nil)
			px, b, _ := startProxy(t, lb.Config{Algorithm: tt.algo}, Config{}, nil)
			if err := b.Register(targetOf("busy", busy.srv)); err != nil {
				t.Fatal(err)
			}
			if err := b.Register(targetOf("idle", idle)); err != nil {
				t.Fatal(err)
			}
			stuck := getAsync(px.URL()) // first in order: lands on busy
			<-busy.arrived
			const workers, each = 8, 25
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
			defer client.CloseIdleConnections()
			var wg sync.WaitGroup
			var finished atomic.Int64
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer finished.Add(1)
					for i := 0; i < each; i++ {
						if resp, err := client.Get(px.URL()); err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
						}
					}
				}()
			}
			// Every client is now either done or waiting on the hung target.
			waitFor(t, "clients done or stuck", func() bool {
				return finished.Load()+b.Targets()[0].InFlight-1 == workers
			})
			st := b.Stats()
			busy.open()
			wg.Wait()
			<-stuck
			busyN, idleN := st.Targets[0].Requests, st.Targets[1].Requests
			share := float64(busyN) / float64(busyN+idleN)
			if share < tt.minBusyShare || share > tt.maxBusyShare {
				t.Errorf("hung target got %d of %d requests (%.2f), want a share in [%.2f, %.2f]",
					busyN, busyN+idleN, share, tt.minBusyShare, tt.maxBusyShare)
			}
		})
	}
}

func TestProxyIdleTimeoutClosesClientConnection(t *testing.T) {
	px, _, _ := startProxy(t, lb.Config{}, Config{IdleTimeout: 100 * time.Millisecond}, nil)
	conn, err := net.Dial("tcp", px.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // safety net only
	if _, err := bufio.NewReader(conn).ReadByte(); err != io.EOF {
		t.Errorf("idle connection: read returned %v, want EOF (closed by the proxy)", err)
	}
	waitFor(t, "connection counted closed", func() bool { return px.Stats().ActiveConnections == 0 })
}

func TestHTTPProber(t *testing.T) {
	ok := backend(t, "ok", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "ok")
	})
	sick := backend(t, "sick", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusServiceUnavailable)
	})
	cfg := lb.Config{HealthCheck: lb.HealthCheck{Path: "/healthz", Matcher: "200-299"}}
	prober, err := NewHTTPProber(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, c := newBalancer(t, cfg, prober)
	for _, tg := range []lb.Target{targetOf("ok", ok), targetOf("sick", sick), {ID: "gone", Addr: closedPort(t)}} {
		if err := b.Register(tg); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(30 * time.Second) // two checks each
	want := map[string][2]string{
		"ok":   {"healthy", ""},
		"sick": {"unhealthy", lb.ReasonResponseCodeMismatch},
		"gone": {"unhealthy", lb.ReasonFailedHealthChecks},
	}
	for _, ts := range b.Targets() {
		w := want[ts.Target.ID]
		if ts.State.String() != w[0] || ts.Reason != w[1] {
			t.Errorf("%s: %v %q, want %s %q", ts.Target.ID, ts.State, ts.Reason, w[0], w[1])
		}
	}
}

func TestHTTPProberTimeout(t *testing.T) {
	hang := newGated(t, "hang")
	prober, err := NewHTTPProber(lb.Config{Timescale: 50}) // 100 ms timeout on the wall clock
	if err != nil {
		t.Fatal(err)
	}
	err = prober.Probe(context.Background(), targetOf("hang", hang.srv))
	if !errors.Is(err, lb.ErrProbeTimeout) {
		t.Errorf("probe of a hung target: %v, want a timeout", err)
	}
}

func TestProxyShutdownWaitsForInFlight(t *testing.T) {
	a := newGated(t, "a")
	px, b, _ := startProxy(t, lb.Config{}, Config{}, nil)
	if err := b.Register(targetOf("a", a.srv)); err != nil {
		t.Fatal(err)
	}
	inflight := getAsync(px.URL())
	<-a.arrived
	done := make(chan error, 1)
	go func() { done <- px.Shutdown(context.Background()) }()
	a.open()
	if r := <-inflight; r.code != 200 {
		t.Errorf("in-flight request during shutdown: %+v", r)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestProxyClientGoneIs460(t *testing.T) {
	a := newGated(t, "a")
	px, b, _ := startProxy(t, lb.Config{}, Config{}, nil)
	if err := b.Register(targetOf("a", a.srv)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", px.URL(), nil)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-a.arrived
	cancel()
	<-errc
	waitFor(t, "460 recorded", func() bool { return b.Stats().Status[StatusClientClosed] == 1 })
	if st := b.Stats(); st.InFlight != 0 || st.Targets[0].ELB[StatusClientClosed] != 1 {
		t.Errorf("stats after client left: %+v", st)
	}
}
