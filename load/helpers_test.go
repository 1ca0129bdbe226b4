package load

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newServer starts a real HTTP server on 127.0.0.1 that closes with the test.
func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// fixedDelay answers "ok" after d; it gives up early if the client goes away.
func fixedDelay(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write([]byte("ok"))
	}
}

func dur(d time.Duration) Duration { return Duration(d) }

// runLoad runs cfg to the end against url.
func runLoad(t *testing.T, cfg Config, url string, opts Options) *Result {
	t.Helper()
	r, err := Start(context.Background(), cfg, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r.Wait()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-time.After(time.Millisecond) // poll without spinning a core
	}
}

func within(t *testing.T, name string, got, lo, hi float64) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %v, want in [%v, %v]", name, got, lo, hi)
	}
}

// checker collects tolerance misses of one attempt.
type checker struct{ misses []string }

func (c *checker) errorf(format string, args ...any) {
	c.misses = append(c.misses, fmt.Sprintf(format, args...))
}

func (c *checker) within(name string, got, lo, hi float64) {
	if got < lo || got > hi {
		c.errorf("%s = %v, want in [%v, %v]", name, got, lo, hi)
	}
}

// attempts runs a timing-sensitive check up to n times and fails only if every attempt
// misses. The tolerances stay strict within an attempt; the retries absorb the
// seconds-long stalls of a shared, overloaded test machine, which no tolerance can.
func attempts(t *testing.T, n int, f func(c *checker)) {
	t.Helper()
	for i := 1; ; i++ {
		var c checker
		f(&c)
		if len(c.misses) == 0 {
			return
		}
		if i == n {
			for _, m := range c.misses {
				t.Error(m)
			}
			return
		}
		t.Logf("attempt %d of %d missed (machine stall?): %s", i, n, strings.Join(c.misses, "; "))
	}
}
