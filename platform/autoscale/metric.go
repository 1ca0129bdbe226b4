package autoscale

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Statistic is how a period's samples are reduced to one datapoint, as in CloudWatch.
type Statistic int

// The CloudWatch statistics, plus SumPerSource.
const (
	// Average is the mean of all samples of all contributing sources in the period.
	Average Statistic = iota
	// Sum is the total of the samples.
	Sum
	// Maximum is the largest sample.
	Maximum
	// Minimum is the smallest sample.
	Minimum
	// SampleCount is the number of samples.
	SampleCount
	// SumPerSource is Sum divided by the number of sources that reported in the period
	// (Datapoint.Sources). It models ALBRequestCountPerTarget (RequestCount Sum / targets),
	// so producers should report 0 for a target that served nothing rather than stay silent.
	SumPerSource
)

var statisticNames = [...]string{"Average", "Sum", "Maximum", "Minimum", "SampleCount", "SumPerSource"}

// String returns the CloudWatch name of the statistic.
func (s Statistic) String() string {
	if s < 0 || int(s) >= len(statisticNames) {
		return fmt.Sprintf("Statistic(%d)", int(s))
	}
	return statisticNames[s]
}

// Datapoint is one period's statistic. OK is false when no sample fell in the period
// (missing data).
type Datapoint struct {
	Start time.Time
	Value float64
	OK    bool
	// Sources is the capacity behind the datapoint, in source-periods: each source counts
	// its samples divided by the most samples any source reported in the period. Two
	// instances reporting all period and two that entered service half way count 3, so
	// Sources × Average is the period's total load whatever the churn. It assumes sources
	// sample at the same rate.
	Sources float64
}

// MetricConfig configures a Metric. Zero fields take their AWSDefaults values.
type MetricConfig struct {
	// Name identifies the metric to policies (e.g. "CPUUtilization").
	Name string
	// Period is the storage resolution; alarms may use any multiple of it.
	Period time.Duration
	// Delay is how long after a period ends its datapoint becomes visible. A negative
	// value means no delay.
	Delay time.Duration
	// Retention is how many periods are kept per source.
	Retention int
}

// Scaled returns c with Period and Delay divided by timescale, after defaults are filled.
func (c MetricConfig) Scaled(timescale float64) MetricConfig {
	c = c.withDefaults(AWSDefaults())
	c.Period = scaleDuration(c.Period, timescale)
	c.Delay = scaleDuration(c.Delay, timescale)
	return c
}

func (c MetricConfig) withDefaults(d Defaults) MetricConfig {
	if c.Period == 0 {
		c.Period = d.MetricPeriod
	}
	if c.Delay == 0 {
		c.Delay = d.MetricDelay
	} else if c.Delay < 0 {
		c.Delay = 0
	}
	if c.Retention == 0 {
		c.Retention = d.Retention
	}
	return c
}

// Validate reports the first invalid field.
func (c MetricConfig) Validate() error {
	if c.Period <= 0 {
		return fmt.Errorf("autoscale: metric %q: Period: must be > 0, got %v", c.Name, c.Period)
	}
	if c.Retention < 1 || c.Retention > 1<<20 {
		return fmt.Errorf("autoscale: metric %q: Retention: must be in [1, 1048576] periods, got %d", c.Name, c.Retention)
	}
	return nil
}

// bucket accumulates one period of one source. idx is the period number (Unix time /
// period); a ring slot whose idx differs from the wanted one holds stale data.
type bucket struct {
	idx           int64
	sum, min, max float64
	n             int64
}

func (b *bucket) add(v float64) {
	if b.n == 0 {
		b.min, b.max = v, v
	} else {
		b.min = math.Min(b.min, v)
		b.max = math.Max(b.max, v)
	}
	b.sum += v
	b.n++
}

// Series is one source's samples (one instance's CPU, one target's request count). It is
// a handle the producer keeps so that Put costs no map lookup.
type Series struct {
	m  *Metric
	id string
	// excludeBefore is the Unix-nanosecond instant before which this source's periods are
	// left out of the aggregate: the end of its warm-up (math.MinInt64: none). Set by the
	// Controller.
	excludeBefore int64
	ring          []bucket
	last          int64 // newest period index written
	removed       bool
}

// Metric is a CloudWatch-like metric: sources put raw samples; queries aggregate them into
// datapoints of any multiple of Period, across all sources not in warm-up. Periods are
// aligned to the Unix epoch, like CloudWatch's. Safe for concurrent use.
type Metric struct {
	cfg     MetricConfig
	period  int64 // ns
	mu      sync.Mutex
	series  []*Series
	byID    map[string]*Series
	dropped int64
}

// NewMetric returns an empty metric; zero fields of cfg take AWSDefaults values.
func NewMetric(cfg MetricConfig) (*Metric, error) {
	cfg = cfg.withDefaults(AWSDefaults())
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Metric{cfg: cfg, period: int64(cfg.Period), byID: make(map[string]*Series)}, nil
}

// Config returns the metric's effective configuration.
func (m *Metric) Config() MetricConfig { return m.cfg }

// Series returns the handle of source id, creating it on first use.
func (m *Metric) Series(id string) *Series {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seriesLocked(id)
}

func (m *Metric) seriesLocked(id string) *Series {
	if s, ok := m.byID[id]; ok {
		return s
	}
	s := &Series{m: m, id: id, ring: make([]bucket, m.cfg.Retention), last: math.MinInt64, excludeBefore: math.MinInt64}
	for i := range s.ring {
		s.ring[i].idx = math.MinInt64
	}
	m.byID[id] = s
	m.series = append(m.series, s)
	return s
}

// Put records sample v of source id at t.
func (m *Metric) Put(id string, t time.Time, v float64) { m.Series(id).Put(t, v) }

// Remove forgets source id, e.g. once a terminated instance's data has aged out.
func (m *Metric) Remove(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.byID[id]
	if !ok {
		return
	}
	s.removed = true
	delete(m.byID, id)
	for i, x := range m.series {
		if x == s {
			m.series = append(m.series[:i], m.series[i+1:]...)
			break
		}
	}
}

// Prune removes sources that have reported, but nothing within the retention window
// before now, except those in keep (which may be nil), so that a month of instance churn
// does not grow the store. The Controller calls it once per retention window, keeping the
// group's current instances. It reports how many it removed.
func (m *Metric) Prune(now time.Time, keep map[string]bool) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	oldest := floorDiv(now.UnixNano(), m.period) - int64(m.cfg.Retention)
	kept := m.series[:0]
	n := 0
	for _, s := range m.series {
		if s.last != math.MinInt64 && s.last < oldest && !keep[s.id] {
			s.removed = true
			delete(m.byID, s.id)
			n++
			continue
		}
		kept = append(kept, s)
	}
	clear(m.series[len(kept):])
	m.series = kept
	return n
}

// Dropped counts samples that arrived too late for the retention window or were not finite.
func (m *Metric) Dropped() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dropped
}

// ID returns the source id of the series.
func (s *Series) ID() string { return s.id }

// Put records sample v at t. Samples older than the retention window, or NaN/Inf, are
// dropped (counted by Metric.Dropped). A series that was removed or pruned comes back on
// its next Put, unless a new series took its id meanwhile (then the sample is dropped).
func (s *Series) Put(t time.Time, v float64) {
	m := s.m
	idx := floorDiv(t.UnixNano(), m.period)
	m.mu.Lock()
	if s.removed {
		if _, taken := m.byID[s.id]; !taken {
			s.removed = false
			m.byID[s.id] = s
			m.series = append(m.series, s)
		}
	}
	if s.removed || math.IsNaN(v) || math.IsInf(v, 0) || (s.last != math.MinInt64 && idx <= s.last-int64(len(s.ring))) {
		m.dropped++
		m.mu.Unlock()
		return
	}
	b := &s.ring[floorMod(idx, int64(len(s.ring)))]
	if b.idx != idx {
		*b = bucket{idx: idx}
	}
	b.add(v)
	if idx > s.last {
		s.last = idx
	}
	m.mu.Unlock()
}

// ExcludeBefore leaves out of the aggregate every period of this source that starts before
// t: the instance's warm-up (or boot) has not finished by then. The zero time includes all.
func (s *Series) ExcludeBefore(t time.Time) {
	ns := int64(math.MinInt64)
	if !t.IsZero() {
		ns = t.UnixNano()
	}
	s.m.mu.Lock()
	s.excludeBefore = ns
	s.m.mu.Unlock()
}

// LatestVisible returns the start of the newest datapoint of length period (a multiple of
// the metric's Period) whose end plus the metric's delay is at or before now.
func (m *Metric) LatestVisible(now time.Time, period time.Duration) time.Time {
	p := int64(period)
	idx := floorDiv(now.UnixNano()-int64(m.cfg.Delay), p) - 1
	return time.Unix(0, idx*p).UTC()
}

// Datapoint returns statistic stat over [start, start+period) across all sources not in
// warm-up; period must be a positive multiple of the metric's Period.
func (m *Metric) Datapoint(start time.Time, period time.Duration, stat Statistic) Datapoint {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.datapointLocked(start.UnixNano(), int64(period), stat)
}

// Recent fills dst (reusing its storage) with the n newest visible datapoints of length
// period at now, oldest first. It allocates only if dst is too small.
func (m *Metric) Recent(dst []Datapoint, now time.Time, period time.Duration, n int, stat Statistic) []Datapoint {
	p := int64(period)
	last := floorDiv(now.UnixNano()-int64(m.cfg.Delay), p) - 1
	dst = dst[:0]
	m.mu.Lock()
	for i := int64(n - 1); i >= 0; i-- {
		dst = append(dst, m.datapointLocked((last-i)*p, p, stat))
	}
	m.mu.Unlock()
	return dst
}

func (m *Metric) datapointLocked(startNs, p int64, stat Statistic) Datapoint {
	dp := Datapoint{Start: time.Unix(0, startNs).UTC()}
	if p < m.period || p%m.period != 0 {
		return dp
	}
	first := floorDiv(startNs, m.period)
	k := p / m.period
	var agg bucket
	var maxN int64
	for _, s := range m.series {
		if startNs < s.excludeBefore {
			continue
		}
		var n int64
		for idx := first; idx < first+k; idx++ {
			b := &s.ring[floorMod(idx, int64(len(s.ring)))]
			if b.idx != idx || b.n == 0 {
				continue
			}
			if agg.n == 0 {
				agg.min, agg.max = b.min, b.max
			} else {
				agg.min = math.Min(agg.min, b.min)
				agg.max = math.Max(agg.max, b.max)
			}
			agg.sum += b.sum
			agg.n += b.n
			n += b.n
		}
		maxN = max(maxN, n)
	}
	if agg.n == 0 {
		return dp
	}
	dp.OK = true
	dp.Sources = float64(agg.n) / float64(maxN)
	switch stat {
	case Average:
		dp.Value = agg.sum / float64(agg.n)
	case Sum:
		dp.Value = agg.sum
	case Maximum:
		dp.Value = agg.max
	case Minimum:
		dp.Value = agg.min
	case SampleCount:
		dp.Value = float64(agg.n)
	case SumPerSource:
		dp.Value = agg.sum / dp.Sources
	default:
		dp.OK = false
	}
	return dp
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}
