package load

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// closed is the closed model: VUs virtual users, each sending a request, waiting for
// the whole answer, then thinking, like JMeter thread groups and Locust users. A slow
// server slows the users down, so the offered rate is an outcome, not an input; there
// is no schedule, so latency is measured from the actual send.
type closed struct {
	vus      int
	think    Think
	duration time.Duration
	requests int64
	seed     uint64
}

func newClosed(c Config) *closed {
	return &closed{vus: c.VUs, think: c.Think, duration: c.Duration.D(), requests: c.Requests, seed: c.Seed}
}

func (*closed) stages() []*stageRec       { return nil }
func (*closed) scheduled(*engine) float64 { return 0 }
func (c *closed) planned() time.Duration  { return c.duration }

func (c *closed) run(ctx context.Context, e *engine) time.Duration {
	deadline := e.start.Add(unbounded)
	if c.duration > 0 {
		deadline = e.start.Add(c.duration)
	}
	var issued atomic.Int64
	var wg sync.WaitGroup
	for v := 0; v < c.vus; v++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each user draws its think times from its own seeded stream: reproducible,
			// and no lock shared between users.
			rng := rand.New(rand.NewPCG(c.seed, uint64(v)))
			timer := time.NewTimer(time.Hour)
			timer.Stop()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if c.requests > 0 && issued.Add(1) > c.requests {
					return
				}
				e.acquire()
				e.send(time.Time{}, -1)
				if d := c.thinkTime(rng); d > 0 {
					if !sleepUntil(ctx, timer, time.Now().Add(d)) {
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	// The users stop starting requests at the deadline; the answers they were still
	// waiting for count, but the load phase ends at the deadline.
	if el := time.Since(e.start); c.duration == 0 || el < c.duration {
		return el
	}
	return c.duration
}

func (c *closed) thinkTime(rng *rand.Rand) time.Duration {
	lo, hi := c.think.Min.D(), c.think.Max.D()
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}
