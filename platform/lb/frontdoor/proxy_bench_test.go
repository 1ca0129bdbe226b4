package frontdoor

import (
	"github.com/deploybench/deploybench/platform/lb"
	"io"
	"net/http"
	"testing"
)

// benchGet issues requests to url from parallel goroutines over keep-alive connections.
func benchGet(b *testing.B, url string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func benchBackend(b *testing.B) lb.Target {
	s := backend(b, "x", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"digit":7}`) })
	return targetOf("x", s)
}

// BenchmarkDirect is the baseline: requests straight to a loopback backend.
func BenchmarkDirect(b *testing.B) {
	tg := benchBackend(b)
	benchGet(b, "http://"+tg.Addr+"/")
}

// BenchmarkProxy sends the same requests through the proxy (round robin over 2 targets).
func BenchmarkProxy(b *testing.B) {
	px, bal, _ := startProxy(b, lb.Config{}, Config{}, nil)
	for _, id := range []string{"x1", "x2"} {
		tg := benchBackend(b)
		tg.ID = id
		if err := bal.Register(tg); err != nil {
			b.Fatal(err)
		}
	}
	benchGet(b, px.URL()+"/")
}
