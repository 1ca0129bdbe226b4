package load

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/load/schedule"
)

// rampingRate is the open model through k6-style stages: the arrival rate moves
// linearly from the previous target (or start_rate) to each stage's target over its
// duration. Results are reported per stage as well as overall.
type rampingRate struct {
	openLoop
	recs []*stageRec
}

func newRampingRate(c Config) *rampingRate {
	r := &rampingRate{}
	st := make([]schedule.Stage, len(c.Stages))
	var at time.Duration
	var stageAt []time.Duration
	from := c.StartRate
	for i, s := range c.Stages {
		st[i] = schedule.Stage{Duration: s.Duration.D(), Target: s.Target}
		stageAt = append(stageAt, at)
		r.recs = append(r.recs, &stageRec{name: fmt.Sprintf("%s %g→%g/s", s.Duration, from, s.Target), start: at, dur: s.Duration.D(), target: s.Target})
		at += s.Duration.D()
		from = s.Target
	}
	r.openLoop = openLoop{sched: schedule.Ramp(c.StartRate, st), spacing: spacingOf(c), seed: c.Seed, stageAt: stageAt}
	return r
}

func (r *rampingRate) stages() []*stageRec { return r.recs }
