package load

import (
	"context"
	"time"

	"github.com/deploybench/deploybench/load/schedule"
)

// openLoop is the engine of every open-model executor: it walks a schedule with a
// pacer, sleeps until each intended send time and fires the request then, measuring
// its latency from that time. If the loop itself falls behind (a GC pause, a starved
// CPU) it fires the late arrivals at once without catching its breath, and their
// latency still counts from when they were due, so client lag is never hidden.
type openLoop struct {
	sched   schedule.Schedule
	spacing schedule.Spacing
	seed    uint64
	limit   int64           // stop after this many arrivals (0: no limit)
	stageAt []time.Duration // start offsets of the stages, for per-stage stats
	sent    float64         // arrivals scheduled, for the intended rate
}

func (l *openLoop) run(ctx context.Context, e *engine) time.Duration {
	p := schedule.NewPacer(&l.sched, l.spacing, l.seed)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	stage := -1
	var last time.Duration
	for l.limit == 0 || int64(p.Count()) < l.limit {
		off, ok := p.Next()
		if !ok {
			return l.sched.Duration()
		}
		if !sleepUntil(ctx, timer, e.start.Add(off)) {
			return time.Since(e.start)
		}
		for stage+1 < len(l.stageAt) && off >= l.stageAt[stage+1] {
			stage++
		}
		l.sent++
		e.fire(e.start.Add(off), stage)
		last = off
	}
	// A count-bounded load ends one mean gap after its last arrival.
	if r := l.sched.RateAt(last); r > 0 {
		return last + time.Duration(float64(time.Second)/r)
	}
	return last
}

func (l *openLoop) scheduled(*engine) float64 { return l.sent }

func (l *openLoop) planned() time.Duration {
	if d := l.sched.Duration(); d < unbounded {
		return d
	}
	return 0 // bounded by a request count only
}

func spacingOf(c Config) schedule.Spacing {
	sp, _ := schedule.ParseSpacing(c.Spacing) // validated already
	return sp
}
