package load

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/load/request"
)

// BenchmarkRecord is the per-request cost of recording: three HDR histograms, counters
// and a stage, under the recorder's mutex.
func BenchmarkRecord(b *testing.B) {
	start := time.Now()
	rec := newRecorder(start, []*stageRec{{name: "s"}}, func() int64 { return 0 }, nil)
	s := sample{intended: start, sent: start.Add(time.Millisecond), done: start.Add(20 * time.Millisecond), stage: 0}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rec.record(s)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rec.record(s)
			}
		})
	})
}

// BenchmarkDispatch compares ways of running open-model requests: a goroutine per
// request, a fixed pool of workers fed through a channel, and the engine's own fire
// (workers started on demand, handed arrivals without queueing). All send real requests
// to a local server, so the figure is per request end to end.
func BenchmarkDispatch(b *testing.B) {
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
	url, stop := benchServer(b, srv)
	defer stop()
	cfg := Config{Rate: 1, Duration: dur(time.Second)}.withDefaults()
	u, _ := request.Target(url, "")
	q := request.New(request.Spec{Method: "GET", URL: u, Timeout: time.Minute, Transport: request.NewTransport(64, 0)})
	ctx := context.Background()
	const workers = 64
	b.Run("goroutine-per-request", func(b *testing.B) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, workers) // the in-flight cap
		for b.Loop() {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				q.Do(ctx)
				<-sem
			}()
		}
		wg.Wait()
	})
	b.Run("worker-pool", func(b *testing.B) {
		jobs := make(chan struct{}, workers)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range jobs {
					q.Do(ctx)
				}
			}()
		}
		for b.Loop() {
			jobs <- struct{}{}
		}
		close(jobs)
		wg.Wait()
	})
	b.Run("engine-on-demand-workers", func(b *testing.B) {
		c := cfg
		c.MaxInflight = workers
		e := &engine{cfg: c, q: q, ctx: ctx, start: time.Now(), jobs: make(chan job), idle: make(chan struct{})}
		e.rec = newRecorder(e.start, nil, e.inFlight.Load, nil)
		for b.Loop() {
			for e.inFlight.Load() >= workers {
				runtime.Gosched()
			}
			e.fire(time.Now(), -1)
		}
		e.endSchedule()
		e.wg.Wait()
	})
}
