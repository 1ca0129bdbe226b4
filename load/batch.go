package load

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// batch reproduces the reference studies' workload: Parallel requests sent at the same
// instant, wait until every one has answered, Repeats times, with an optional pause.
// Each batch is reported as a stage; latency counts from the batch's start, so a request
// the client could not send at once is not flattered.
type batch struct {
	b        Batch
	duration time.Duration
	recs     []*stageRec
}

func newBatch(c Config) *batch {
	b := &batch{b: *c.Batch, duration: c.Duration.D()}
	for i := range c.Batch.Repeats {
		b.recs = append(b.recs, &stageRec{name: fmt.Sprintf("batch %d (%d parallel)", i+1, c.Batch.Parallel), unscheduled: true})
	}
	return b
}

func (b *batch) stages() []*stageRec { return b.recs }

// planned is unknown: a batch lasts as long as its slowest answer.
func (b *batch) planned() time.Duration { return b.duration }

// scheduled is what the batches sent: a batch has no rate to fall behind.
func (b *batch) scheduled(e *engine) float64 {
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	return float64(e.rec.requests + e.rec.canceled)
}

func (b *batch) run(ctx context.Context, e *engine) time.Duration {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for i := range b.b.Repeats {
		if b.duration > 0 && time.Since(e.start) >= b.duration {
			break
		}
		if i > 0 && b.b.Pause > 0 && !sleepUntil(ctx, timer, time.Now().Add(b.b.Pause.D())) {
			break
		}
		if ctx.Err() != nil {
			break
		}
		t0 := time.Now()
		var wg sync.WaitGroup
		for range b.b.Parallel {
			e.acquire()
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.send(t0, i)
			}()
		}
		wg.Wait()
		e.rec.setStageSpan(i, t0.Sub(e.start), time.Since(t0))
	}
	return time.Since(e.start)
}
