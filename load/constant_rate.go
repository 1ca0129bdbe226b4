package load

import (
	"time"

	"github.com/deploybench/deploybench/load/schedule"
)

// constantRate is the open model at a fixed arrival rate (wrk2's -R, vegeta's -rate,
// k6's constant-arrival-rate), bounded by a duration, a request count or both.
type constantRate struct{ openLoop }

// unbounded stands in for "no duration" when only a request count ends the load.
const unbounded = 100 * 365 * 24 * time.Hour

func newConstantRate(c Config) *constantRate {
	d := c.Duration.D()
	if d == 0 {
		d = unbounded
	}
	return &constantRate{openLoop{sched: schedule.Constant(c.Rate, d), spacing: spacingOf(c), seed: c.Seed, limit: c.Requests}}
}

func (*constantRate) stages() []*stageRec { return nil }
