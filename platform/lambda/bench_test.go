package lambda

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/fleet/live/livetest"
)

// BenchmarkPoolWarm is the control path of every warm invocation: Acquire an idle
// environment and Release it.
func BenchmarkPoolWarm(b *testing.B) {
	p, _, _ := newTestPool(b, nil)
	e, _ := p.Acquire(context.Background())
	p.Release(e, time.Millisecond, Succeeded)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e, err := p.Acquire(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		p.Release(e, time.Millisecond, Succeeded)
	}
}

// BenchmarkLiveWarmRequest measures one warm request through the whole live path — API
// Gateway server, pool, HTTP to the environment's app — against the same request sent
// to the app directly: the emulation's own overhead on latency.
func BenchmarkLiveWarmRequest(b *testing.B) {
	drv, _ := livetest.World(b, 1)
	p, err := New(Config{MemoryMB: 1769, Timeout: 10 * time.Second}, Deps{Driver: drv})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer p.Stop(context.Background())
	get := func(b *testing.B, url string) {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	get(b, p.URL()+"/healthz") // cold start
	var direct string
	p.pool.mu.Lock()
	for _, e := range p.pool.envs {
		direct = "http://" + e.machine.Addr() + "/healthz"
	}
	p.pool.mu.Unlock()
	b.Run("via-apigw-lambda", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			get(b, p.URL()+"/healthz")
		}
	})
	b.Run("direct", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			get(b, direct)
		}
	})
}
