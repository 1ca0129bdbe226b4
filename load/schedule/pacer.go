package schedule

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Spacing says how arrivals are placed within the rate profile.
type Spacing string

// The spacings a Pacer supports.
const (
	// Uniform spaces arrivals evenly (1/rate apart), as wrk2 and k6 do.
	Uniform Spacing = "uniform"
	// Poisson draws exponential gaps, modelling independent users: bursts and lulls
	// with the same average rate. The draws come from a seeded generator, so a run is
	// reproducible.
	Poisson Spacing = "poisson"
)

// ParseSpacing accepts "uniform", "poisson" or "" (meaning uniform).
func ParseSpacing(s string) (Spacing, error) {
	switch Spacing(s) {
	case "", Uniform:
		return Uniform, nil
	case Poisson:
		return Poisson, nil
	}
	return "", fmt.Errorf("%q is not a spacing (want uniform or poisson)", s)
}

// Pacer yields the intended send offsets of a schedule, one per call to Next. It maps a
// counting process onto the schedule by time rescaling: the n-th arrival is sent when
// the expected arrival count reaches x_n, with x_n = n + ½ for uniform spacing and a
// running sum of Exp(1) draws for Poisson — exact for ramps as well as constant rates.
// A Pacer is not safe for concurrent use; one goroutine drives it.
type Pacer struct {
	sched   *Schedule
	spacing Spacing
	rng     *rand.Rand
	x       float64
	n       uint64
	seg     int
}

// NewPacer returns a pacer over s. seed feeds the Poisson draws.
func NewPacer(s *Schedule, spacing Spacing, seed uint64) *Pacer {
	s.prepare()
	return &Pacer{sched: s, spacing: spacing, rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
}

// Next returns the offset from the start at which the next request is due, or ok=false
// when the schedule is exhausted.
func (p *Pacer) Next() (offset time.Duration, ok bool) {
	if p.spacing == Poisson {
		p.x += p.rng.ExpFloat64()
	} else {
		p.x = float64(p.n) + 0.5
	}
	off, ok := p.sched.invert(p.x, &p.seg)
	if ok {
		p.n++
	}
	return off, ok
}

// Count is the number of offsets returned so far.
func (p *Pacer) Count() uint64 { return p.n }
