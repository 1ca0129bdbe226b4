package schedule

import (
	"math"
	"time"
)

// Segment is a span of time over which the arrival rate changes linearly from From to
// To (requests per second); a constant rate has From == To.
type Segment struct {
	Duration time.Duration
	From, To float64
}

// count is the expected number of arrivals in the segment (the area under the rate).
func (s Segment) count() float64 {
	return (s.From + s.To) / 2 * s.Duration.Seconds()
}

// Schedule is a sequence of segments starting at offset zero. Its zero value is an empty
// schedule that schedules nothing.
type Schedule struct {
	Segments []Segment
	// cum[i] is the expected number of arrivals before segment i and starts[i] its start
	// offset; both are filled lazily.
	cum    []float64
	starts []time.Duration
}

// Constant returns a schedule of rate requests per second for d.
func Constant(rate float64, d time.Duration) Schedule {
	return Schedule{Segments: []Segment{{Duration: d, From: rate, To: rate}}}
}

// Stage is one k6-style ramping stage: the rate moves linearly to Target over Duration.
type Stage struct {
	Duration time.Duration
	Target   float64
}

// Ramp returns the schedule that starts at start requests per second and ramps linearly
// through the stages, as k6's ramping-arrival-rate executor does.
func Ramp(start float64, stages []Stage) Schedule {
	var s Schedule
	from := start
	for _, st := range stages {
		s.Segments = append(s.Segments, Segment{Duration: st.Duration, From: from, To: st.Target})
		from = st.Target
	}
	return s
}

// Duration is the total length of the schedule.
func (s *Schedule) Duration() time.Duration {
	var d time.Duration
	for _, g := range s.Segments {
		d += g.Duration
	}
	return d
}

// Expected is the expected number of arrivals over the whole schedule.
func (s *Schedule) Expected() float64 {
	s.prepare()
	return s.cum[len(s.cum)-1]
}

// ExpectedUntil is the expected number of arrivals in [0, t): the integral of the rate.
// The load generator uses it for the intended rate of an interrupted run.
func (s *Schedule) ExpectedUntil(t time.Duration) float64 {
	s.prepare()
	var start time.Duration
	for i, g := range s.Segments {
		if t < start+g.Duration {
			x := (t - start).Seconds()
			return s.cum[i] + g.From*x + slope(g)*x*x/2
		}
		start += g.Duration
	}
	return s.cum[len(s.cum)-1]
}

// RateAt is the intended rate at offset t (0 outside the schedule).
func (s *Schedule) RateAt(t time.Duration) float64 {
	var start time.Duration
	for _, g := range s.Segments {
		if t < start+g.Duration {
			return g.From + slope(g)*(t-start).Seconds()
		}
		start += g.Duration
	}
	return 0
}

// Peak is the highest rate anywhere in the schedule.
func (s *Schedule) Peak() float64 {
	p := 0.0
	for _, g := range s.Segments {
		p = math.Max(p, math.Max(g.From, g.To))
	}
	return p
}

func slope(g Segment) float64 {
	if g.Duration <= 0 {
		return 0
	}
	return (g.To - g.From) / g.Duration.Seconds()
}

func (s *Schedule) prepare() {
	if len(s.cum) == len(s.Segments)+1 {
		return
	}
	s.cum = make([]float64, len(s.Segments)+1)
	s.starts = make([]time.Duration, len(s.Segments)+1)
	for i, g := range s.Segments {
		s.cum[i+1] = s.cum[i] + g.count()
		s.starts[i+1] = s.starts[i] + g.Duration
	}
}

// invert returns the offset at which the expected number of arrivals reaches x, starting
// the search at segment *seg (x only grows, so the caller keeps the cursor and the lookup
// stays O(1) amortised). ok is false once x is past the end of the schedule.
func (s *Schedule) invert(x float64, seg *int) (time.Duration, bool) {
	for *seg < len(s.Segments) && x >= s.cum[*seg+1] {
		*seg++
	}
	if *seg >= len(s.Segments) {
		return 0, false
	}
	start := s.starts[*seg]
	g := s.Segments[*seg]
	// Solve From·t + a·t² = r for t ≥ 0 with a = slope/2, in the form that stays stable
	// when a is 0 or negative: t = 2r / (From + sqrt(From² + 4·a·r)).
	r := x - s.cum[*seg]
	t := 0.0
	if g.From == g.To && g.From > 0 {
		// A constant rate: the same formula reduces to r/From, bit for bit (sqrt(From²)
		// is exactly From in binary floating point), without the square root.
		t = r / g.From
	} else {
		a := slope(g) / 2
		disc := g.From*g.From + 4*a*r
		if disc < 0 {
			disc = 0
		}
		if den := g.From + math.Sqrt(disc); den > 0 {
			t = 2 * r / den
		}
	}
	off := start + time.Duration(t*float64(time.Second))
	if end := start + g.Duration; off > end {
		off = end
	}
	return off, true
}
