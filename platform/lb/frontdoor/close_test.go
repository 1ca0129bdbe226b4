package frontdoor

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/lb"
)

// TestCloseLeavesNothing runs a live proxy on the wall clock with real HTTP health checks,
// leaves a request hanging on a target, closes the proxy, and checks that the port is
// free, the hanging request was cut and every goroutine has ended.
func TestCloseLeavesNothing(t *testing.T) {
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	func() {
		fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
		defer fast.Close()
		hang := make(chan struct{})
		arrived := make(chan struct{}, 1)
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" { // health checks pass; requests elsewhere hang
				return
			}
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-hang:
			}
		}))
		defer slow.Close()
		defer close(hang)

		cfg := lb.Config{Timescale: 100} // 300 ms checks
		prober, err := NewHTTPProber(cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := lb.New(cfg, platform.WallClock{}, prober)
		if err != nil {
			t.Fatal(err)
		}
		px, err := Listen(b, Config{})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range []lb.Target{targetOf("fast", fast), targetOf("slow", slow)} {
			if err := b.Register(tg); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, "both targets healthy", func() bool { return b.Stats().Healthy == 2 })
		client := &http.Client{Transport: &http.Transport{}}
		defer client.CloseIdleConnections()
		hung := getAsyncWith(client, px.URL()+"/hang") // round robin: fast, then slow
		for i := 0; i < 20; i++ {
			if resp, err := client.Get(px.URL() + "/"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		// Keep sending until one lands on the slow target and hangs there.
		for len(arrived) == 0 {
			select {
			case r := <-hung:
				if r.err != nil {
					t.Fatal(r.err)
				}
				hung = getAsyncWith(client, px.URL()+"/hang")
			default:
				runtime.Gosched()
			}
		}
		addr := px.Addr()
		if err := px.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if r := <-hung; r.err == nil {
			t.Errorf("request hanging at Close got %d, want a cut connection", r.code)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("port %s still taken after Close: %v", addr, err)
		} else {
			ln.Close()
		}
		if err := px.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	}()
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

func getAsyncWith(c *http.Client, url string) chan result {
	ch := make(chan result, 1)
	go func() {
		resp, err := c.Get(url)
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
