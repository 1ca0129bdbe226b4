package autoscale

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// InstanceState is the Controller's view of one instance of the group.
type InstanceState struct {
	// ID is also the instance's source id in the Metrics (Metric.Series(ID)).
	ID string
	// LaunchedAt is when the instance was launched.
	LaunchedAt time.Time
	// InServiceAt is when it entered service; zero while pending or booting.
	InServiceAt time.Time
	// Warming lets the group say the instance still warms up, on top of the Controller's
	// InstanceWarmup after InServiceAt.
	Warming bool
}

// Group is the capacity the Controller scales: an Auto Scaling group, an ECS service, a
// capacity provider's instances. The platform implements it; the simulator too.
type Group interface {
	// Desired returns the current desired capacity (for ECS services: the running count).
	Desired() int
	// SetDesired asks for n units of capacity; reason is for the platform's event log. It
	// must return promptly (launch and terminate asynchronously) and must not call the
	// Controller, which holds its lock while calling.
	SetDesired(n int, reason string)
	// Instances lists the group's instances, including pending ones.
	Instances() []InstanceState
}

// MetricSource finds a policy's metric by name.
type MetricSource interface {
	Metric(name string) *Metric
}

// Metrics is a MetricSource backed by a map from name to metric.
type Metrics map[string]*Metric

// Metric implements MetricSource.
func (m Metrics) Metric(name string) *Metric { return m[name] }

// EventKind says what an Event reports.
type EventKind int

// The event kinds.
const (
	// EventScale: the Controller changed the desired capacity.
	EventScale EventKind = iota
	// EventAlarm: an alarm changed state.
	EventAlarm
)

// Event is one thing the Controller did or saw, for reports and timelines.
type Event struct {
	Time   time.Time
	Kind   EventKind
	Policy string
	// Alarm and State are set for EventAlarm.
	Alarm string
	State AlarmState
	// From and To are the desired capacity before and after, for EventScale.
	From, To int
	Reason   string
	// Value is the newest visible datapoint the decision or alarm saw (HasValue false: missing).
	Value    float64
	HasValue bool
}

// String renders the event on one line, stable for golden files.
func (e Event) String() string {
	v := "missing"
	if e.HasValue {
		v = fmt.Sprintf("%.2f", e.Value)
	}
	ts := e.Time.UTC().Format("15:04:05")
	if e.Kind == EventAlarm {
		return fmt.Sprintf("%s alarm %s %s value=%s", ts, e.Alarm, e.State, v)
	}
	return fmt.Sprintf("%s scale %s %d->%d %s value=%s", ts, e.Policy, e.From, e.To, e.Reason, v)
}

// Options configures a Controller.
type Options struct {
	// MinSize and MaxSize are the group's limits; every change is clamped to them.
	MinSize, MaxSize int
	// Defaults fill every unset policy field; the zero value means AWSDefaults().
	// They are un-compressed: Timescale divides them.
	Defaults Defaults
	// Timescale divides every control-plane duration (policy periods and cooldowns,
	// warm-up, evaluation cadence); 0 means 1. Metrics are built by the caller with
	// MetricConfig.Scaled(timescale) to match.
	Timescale float64
	// InstanceWarmup is the group's default instance warmup (0: Defaults.InstanceWarmup;
	// negative: none).
	InstanceWarmup time.Duration
	// Metrics holds the metrics the policies name.
	Metrics MetricSource
	// Combiner picks among decisions; nil means ASGCombiner (EC2 Auto Scaling rules).
	Combiner Combiner
	// Observer receives every Event, synchronously, under the Controller's lock: it must
	// not call the Controller.
	Observer func(Event)
}

// ErrStopped is returned by Start after Stop.
var ErrStopped = errors.New("autoscale: controller stopped")

type ctlAlarm struct {
	cfg   AlarmConfig
	state AlarmState
	every int // ticks between evaluations
	buf   []Datapoint
}

type ctlPolicy struct {
	p      Policy
	metric *Metric
	alarms []ctlAlarm
	in     Input
	last   Decision
}

// Controller runs policies against a Group on the ticks of a Clock: it fetches instance
// states and metrics, evaluates alarms, asks each policy to Decide, combines, clamps and
// applies. Safe for concurrent use; the Group and Observer are called under its lock.
type Controller struct {
	clock    platform.Clock
	group    Group
	opts     Options
	warmup   time.Duration
	interval time.Duration
	policies []*ctlPolicy
	metrics  []*Metric // distinct, for warm-up exclusion and pruning
	ds       []Decision
	prune    int64 // ticks between Metric.Prune calls

	mu         sync.Mutex
	started    bool
	stopped    bool
	start      time.Time
	ticks      int64
	timer      platform.Timer
	lastSimple time.Time
}

// NewController validates the options and policies (filling their defaults) and returns a
// controller that does nothing until Start.
func NewController(clock platform.Clock, group Group, opts Options, policies ...Policy) (*Controller, error) {
	if clock == nil || group == nil {
		return nil, errors.New("autoscale: NewController: clock and group are required")
	}
	if opts.Defaults == (Defaults{}) {
		opts.Defaults = AWSDefaults()
	}
	if opts.Timescale == 0 {
		opts.Timescale = 1
	}
	d, err := opts.Defaults.Scaled(opts.Timescale)
	if err != nil {
		return nil, err
	}
	switch {
	case opts.MinSize < 0:
		return nil, fmt.Errorf("autoscale: MinSize: must be ≥ 0, got %d", opts.MinSize)
	case opts.MaxSize < opts.MinSize:
		return nil, fmt.Errorf("autoscale: MaxSize: must be ≥ MinSize=%d, got %d", opts.MinSize, opts.MaxSize)
	case opts.InstanceWarmup > time.Hour:
		// AWS accepts 0–3600 s for the default instance warmup.
		return nil, fmt.Errorf("autoscale: InstanceWarmup: must be at most 3600s, got %v", opts.InstanceWarmup)
	}
	if opts.Combiner == nil {
		opts.Combiner = ASGCombiner{}
	}
	c := &Controller{clock: clock, group: group, opts: opts, interval: d.EvaluationInterval}
	switch {
	case opts.InstanceWarmup > 0:
		c.warmup = scaleDuration(opts.InstanceWarmup, opts.Timescale)
	case opts.InstanceWarmup == 0:
		c.warmup = d.InstanceWarmup
	}
	for i, p := range policies {
		if p == nil {
			return nil, fmt.Errorf("autoscale: policies[%d]: nil policy", i)
		}
		var m *Metric
		if opts.Metrics != nil {
			m = opts.Metrics.Metric(p.MetricName())
		}
		if m == nil {
			return nil, fmt.Errorf("autoscale: policy %q: Metric: no metric named %q in Options.Metrics", p.Name(), p.MetricName())
		}
		// prepared divides the policy's own durations and the un-compressed defaults it
		// fills by the timescale; the metric's period is already compressed.
		p = p.prepared(opts.Defaults, opts.Timescale, m.Config().Period)
		if err := p.Validate(); err != nil {
			return nil, err
		}
		cp := &ctlPolicy{p: p, metric: m}
		for _, a := range p.Alarms() {
			if err := checkAlarm(p, a, m); err != nil {
				return nil, err
			}
			every := a.evaluationInterval(d)
			if every < c.interval {
				c.interval = every
			}
			cp.alarms = append(cp.alarms, ctlAlarm{cfg: a, buf: make([]Datapoint, 0, a.EvaluationPeriods)})
		}
		c.policies = append(c.policies, cp)
		if !containsMetric(c.metrics, m) {
			c.metrics = append(c.metrics, m)
		}
	}
	for _, cp := range c.policies {
		for i := range cp.alarms {
			every := cp.alarms[i].cfg.evaluationInterval(d)
			cp.alarms[i].every = max(1, int((every+c.interval/2)/c.interval))
		}
	}
	c.ds = make([]Decision, len(c.policies))
	c.prune = 1
	for _, m := range c.metrics {
		window := time.Duration(m.Config().Retention) * m.Config().Period
		c.prune = max(c.prune, int64(window/c.interval))
	}
	return c, nil
}

// checkAlarm validates a as evaluated against m: its period must be a whole number of the
// metric's periods (choose a timescale that divides both evenly) and the metric must
// retain the whole evaluation range plus the delay.
func checkAlarm(p Policy, a AlarmConfig, m *Metric) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("autoscale: policy %q: %w", p.Name(), err)
	}
	mp := m.Config().Period
	if a.Period%mp != 0 {
		return fmt.Errorf("autoscale: policy %q: alarm %q: Period: %v is not a multiple of metric %q's period %v", p.Name(), a.Name, a.Period, p.MetricName(), mp)
	}
	need := int(int64(a.Period)/int64(mp))*a.EvaluationPeriods + int(m.Config().Delay/mp) + 2
	if need > m.Config().Retention {
		return fmt.Errorf("autoscale: policy %q: alarm %q: EvaluationPeriods: needs %d periods of metric %q but it retains %d (raise MetricConfig.Retention)", p.Name(), a.Name, need, p.MetricName(), m.Config().Retention)
	}
	return nil
}

func containsMetric(ms []*Metric, m *Metric) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// Interval returns the tick interval: the shortest alarm evaluation cadence.
func (c *Controller) Interval() time.Duration { return c.interval }

// Start schedules the first tick one interval from now.
func (c *Controller) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return ErrStopped
	}
	if c.started {
		return nil
	}
	c.started = true
	c.start = c.clock.Now()
	c.timer = c.clock.AfterFunc(c.interval, c.tick)
	return nil
}

// Stop cancels future ticks. It is safe to call more than once.
func (c *Controller) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
}

// AlarmStates returns the current state of every alarm, by alarm name.
func (c *Controller) AlarmStates() map[string]AlarmState {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]AlarmState)
	for _, cp := range c.policies {
		for _, a := range cp.alarms {
			out[a.cfg.Name] = a.state
		}
	}
	return out
}

func (c *Controller) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.ticks++
	now := c.clock.Now()
	c.step(now)
	if c.ticks%c.prune == 0 {
		live := make(map[string]bool)
		for _, st := range c.group.Instances() {
			live[st.ID] = true
		}
		for _, m := range c.metrics {
			m.Prune(now, live)
		}
	}
	// Schedule against the start time so wall-clock lateness does not accumulate.
	next := c.start.Add(time.Duration(c.ticks+1) * c.interval).Sub(c.clock.Now())
	c.timer = c.clock.AfterFunc(max(next, 0), c.tick)
}

// step is one evaluation: instances → warm-up exclusion → alarms → decisions → apply.
func (c *Controller) step(now time.Time) {
	inService, warming := c.observeInstances(now)
	current := c.group.Desired()
	if to := Clamp(current, c.opts.MinSize, c.opts.MaxSize); to != current {
		c.apply(now, nil, current, to, "clamp to group limits", 0, false)
		current = to
	}
	for i, cp := range c.policies {
		due := false
		for j := range cp.alarms {
			a := &cp.alarms[j]
			if c.ticks%int64(a.every) != 0 {
				continue
			}
			due = true
			a.buf = cp.metric.Recent(a.buf, now, a.cfg.Period, a.cfg.EvaluationPeriods, a.cfg.Statistic)
			st := a.cfg.Evaluate(a.state, a.buf)
			newest := a.buf[len(a.buf)-1]
			if j == 0 {
				cp.in.Value, cp.in.HasValue, cp.in.MetricSources = newest.Value, newest.OK, newest.Sources
			}
			if st != a.state {
				a.state = st
				c.emit(Event{Time: now, Kind: EventAlarm, Policy: cp.p.Name(), Alarm: a.cfg.Name, State: st, Value: newest.Value, HasValue: newest.OK})
			}
			cp.in.Alarms[j] = a.state
		}
		cp.in.Now, cp.in.Desired, cp.in.InService, cp.in.Warming = now, current, inService, warming
		cp.in.LastSimpleScaling = c.lastSimple
		if due {
			cp.last = cp.p.Decide(cp.in)
		} else {
			cp.last.Desired = current
		}
		c.ds[i] = cp.last
	}
	k := c.opts.Combiner.Choose(now, current, c.ds)
	if k < 0 {
		return
	}
	cp := c.policies[k]
	to := Clamp(c.ds[k].Desired, c.opts.MinSize, c.opts.MaxSize)
	if to == current {
		return
	}
	c.apply(now, cp, current, to, c.ds[k].Reason, cp.in.Value, cp.in.HasValue)
}

// observeInstances counts instances past warm-up and marks the rest excluded from the
// aggregated metrics until their warm-up ends.
func (c *Controller) observeInstances(now time.Time) (inService, warming int) {
	never := now.Add(100 * 365 * 24 * time.Hour)
	for _, st := range c.group.Instances() {
		exclude := never
		if !st.InServiceAt.IsZero() {
			exclude = st.InServiceAt.Add(c.warmup)
			if st.Warming && !exclude.After(now) {
				exclude = now
			}
		}
		if exclude.After(now) || st.Warming {
			warming++
		} else {
			inService++
		}
		for _, m := range c.metrics {
			m.Series(st.ID).ExcludeBefore(exclude)
		}
	}
	return inService, warming
}

func (c *Controller) apply(now time.Time, cp *ctlPolicy, from, to int, reason string, v float64, ok bool) {
	name := "limits"
	if cp != nil {
		name = cp.p.Name()
		if cp.p.isSimple() {
			c.lastSimple = now
		}
	}
	c.group.SetDesired(to, reason)
	c.opts.Combiner.Applied(now, from, to)
	c.emit(Event{Time: now, Kind: EventScale, Policy: name, From: from, To: to, Reason: reason, Value: v, HasValue: ok})
}

func (c *Controller) emit(e Event) {
	if c.opts.Observer != nil {
		c.opts.Observer(e)
	}
}
