package autoscale

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/clocktest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testGroup is a modelled Auto Scaling group: instances boot for a fixed delay, then share
// a total CPU demand evenly (capped at 100 % each), reported to the metric every sample
// interval. It stands in for the platform, which does the same with real processes.
type testGroup struct {
	clock    *clocktest.Clock
	metric   *Metric
	boot     time.Duration
	interval time.Duration

	mu      sync.Mutex
	desired int
	next    int
	insts   []*InstanceState
	demand  float64 // total CPU demand, in instance-percent
}

func newTestGroup(t *testing.T, clock *clocktest.Clock, m *Metric, n int, boot, interval time.Duration) *testGroup {
	t.Helper()
	g := &testGroup{clock: clock, metric: m, boot: boot, interval: interval}
	for i := 0; i < n; i++ {
		st := g.launchLocked()
		st.InServiceAt = clock.Now().Add(-time.Hour)
	}
	g.desired = n
	var sample func()
	sample = func() {
		g.sample()
		clock.AfterFunc(interval, sample)
	}
	clock.AfterFunc(0, sample)
	return g
}

func (g *testGroup) launchLocked() *InstanceState {
	g.next++
	st := &InstanceState{ID: fmt.Sprintf("i-%02d", g.next), LaunchedAt: g.clock.Now()}
	g.insts = append(g.insts, st)
	return st
}

func (g *testGroup) setDemand(d float64) {
	g.mu.Lock()
	g.demand = d
	g.mu.Unlock()
}

func (g *testGroup) sample() {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	n := 0
	for _, st := range g.insts {
		if !st.InServiceAt.IsZero() {
			n++
		}
	}
	for _, st := range g.insts {
		if !st.InServiceAt.IsZero() {
			g.metric.Put(st.ID, now, min(100, g.demand/float64(n)))
		}
	}
}

func (g *testGroup) Desired() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.desired
}

func (g *testGroup) SetDesired(n int, _ string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.desired = n
	for len(g.insts) < n {
		st := g.launchLocked()
		g.clock.AfterFunc(g.boot, func() {
			g.mu.Lock()
			st.InServiceAt = g.clock.Now()
			g.mu.Unlock()
		})
	}
	if len(g.insts) > n { // terminate the newest, as a stand-in for the termination policy
		g.insts = g.insts[:n]
	}
}

func (g *testGroup) Instances() []InstanceState {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]InstanceState, len(g.insts))
	for i, st := range g.insts {
		out[i] = *st
	}
	return out
}

// recorder collects events.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) observe(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) scales() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Event
	for _, e := range r.events {
		if e.Kind == EventScale {
			out = append(out, e)
		}
	}
	return out
}

func (r *recorder) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.events {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("event log differs from %s (run go test -update if intended)\ngot:\n%swant:\n%s", path, got, want)
	}
}

// targetTrackingRun runs the CPU-step scenario at timescale ts and returns the recorder
// and the instants of the step-up and step-down (already compressed).
func targetTrackingRun(t *testing.T, ts float64, warmup time.Duration) (*recorder, time.Time, time.Time, *Controller) {
	t.Helper()
	clock := clocktest.New(epoch)
	m, err := NewMetric(MetricConfig{Name: "CPUUtilization"}.Scaled(ts))
	if err != nil {
		t.Fatal(err)
	}
	sc := func(d time.Duration) time.Duration { return scaleDuration(d, ts) }
	g := newTestGroup(t, clock, m, 2, sc(90*time.Second), sc(time.Second))
	g.setDemand(60) // 30 % on each of 2
	rec := &recorder{}
	c, err := NewController(clock, g, Options{MinSize: 1, MaxSize: 6, Timescale: ts, InstanceWarmup: warmup,
		Metrics: Metrics{"CPUUtilization": m}, Observer: rec.observe},
		TargetTracking{PolicyName: "cpu50", Metric: "CPUUtilization", TargetValue: 50})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	up := epoch.Add(sc(20 * time.Minute))
	// Change the demand just before the instant, so the sample taken at it sees the change.
	clock.Set(up.Add(-time.Nanosecond))
	g.setDemand(180) // 90 % on each of 2: the step
	down := up.Add(sc(40 * time.Minute))
	clock.Set(down.Add(-time.Nanosecond))
	g.setDemand(40) // 10 % on each of 4
	clock.Set(down.Add(sc(30 * time.Minute)))
	return rec, up, down, c
}

func TestControllerTargetTrackingStep(t *testing.T) {
	rec, up, down, _ := targetTrackingRun(t, 1, 0)
	s := rec.scales()
	if len(s) != 2 {
		t.Fatalf("scaling events = %d, want 2 (one out, one in):\n%s", len(s), rec.log())
	}
	// Scale-out after exactly 3 one-minute datapoints above 50 % plus the 2-minute delay.
	if want := up.Add(3*time.Minute + 2*time.Minute); !s[0].Time.Equal(want) || s[0].From != 2 || s[0].To != 4 {
		t.Errorf("scale-out = %v, want 2->4 at %v", s[0], want.Format("15:04:05"))
	}
	// With 4 instances at 45 % the metric sits at the scale-in threshold (< 45 needed):
	// no scale-in until the demand drops, and then only after 15 datapoints + delay.
	if want := down.Add(15*time.Minute + 2*time.Minute); !s[1].Time.Equal(want) || s[1].From != 4 || s[1].To != 1 {
		t.Errorf("scale-in = %v, want 4->1 at %v", s[1], want.Format("15:04:05"))
	}
	checkGolden(t, "target_tracking_step", rec.log())
}

func TestControllerTimescale(t *testing.T) {
	rec, up, down, c := targetTrackingRun(t, 60, 0)
	if c.Interval() != time.Second {
		t.Errorf("Interval at timescale 60 = %v, want 1s", c.Interval())
	}
	s := rec.scales()
	if len(s) != 2 || !s[0].Time.Equal(up.Add(5*time.Second)) || !s[1].Time.Equal(down.Add(17*time.Second)) {
		t.Errorf("timescale 60: scaling events %v, want out at +5s and in at +17s", s)
	}
}

func TestControllerWarmupExcludesNewInstances(t *testing.T) {
	clock := clocktest.New(epoch)
	m := newTestMetric(t, time.Minute, 0)
	g := &fixedGroup{desired: 4, insts: []InstanceState{
		{ID: "old-1", InServiceAt: epoch.Add(-time.Hour)},
		{ID: "old-2", InServiceAt: epoch.Add(-time.Hour)},
		{ID: "new-1", InServiceAt: epoch},
		{ID: "new-2", InServiceAt: epoch},
	}}
	for s := 0; s < 20*60; s++ {
		at := epoch.Add(time.Duration(s) * time.Second)
		m.Put("old-1", at, 40)
		m.Put("old-2", at, 40)
		m.Put("new-1", at, 0) // a warming instance that takes no load yet
		m.Put("new-2", at, 0)
	}
	rec := &recorder{}
	c, err := NewController(clock, g, Options{MinSize: 1, MaxSize: 10, InstanceWarmup: 10 * time.Minute,
		Metrics: Metrics{"CPUUtilization": m}, Observer: rec.observe},
		TargetTracking{PolicyName: "cpu50", Metric: "CPUUtilization", TargetValue: 50, ScaleInDatapoints: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	// For 10 minutes the average is 40 % (warming instances left out), not 20 %: AlarmLow
	// (< 45) fires, but scale-in is blocked while instances warm up.
	clock.Advance(9 * time.Minute)
	if len(rec.scales()) != 0 || c.AlarmStates()["cpu50-AlarmLow"] != Alarm {
		t.Fatalf("during warm-up: scales %v alarms %v\n%s", rec.scales(), c.AlarmStates(), rec.log())
	}
	for _, e := range rec.events {
		if e.Kind == EventAlarm && e.HasValue && e.Value != 40 {
			t.Errorf("alarm saw %v, want 40 (warming instances excluded)", e.Value)
		}
	}
	// Once warm, the idle instances count and the policy scales in.
	clock.Advance(10 * time.Minute)
	if s := rec.scales(); len(s) == 0 || s[0].To >= 4 || s[0].Time.Before(epoch.Add(10*time.Minute)) {
		t.Errorf("after warm-up: scales %v, want a scale-in after 00:10:00\n%s", s, rec.log())
	}
}

// fixedGroup has a fixed list of instances and records SetDesired.
type fixedGroup struct {
	mu      sync.Mutex
	desired int
	stuck   bool // ignore SetDesired, as a service whose count does not move
	insts   []InstanceState
}

func (g *fixedGroup) Desired() int { g.mu.Lock(); defer g.mu.Unlock(); return g.desired }
func (g *fixedGroup) SetDesired(n int, _ string) {
	g.mu.Lock()
	if !g.stuck {
		g.desired = n
	}
	g.mu.Unlock()
}
func (g *fixedGroup) Instances() []InstanceState { return g.insts }

func TestControllerSimpleScalingStaircase(t *testing.T) {
	clock := clocktest.New(epoch)
	m := newTestMetric(t, time.Minute, 0) // 0: the default 2-minute delay
	g := newTestGroup(t, clock, m, 1, time.Minute, time.Second)
	g.setDemand(250)
	rec := &recorder{}
	c, err := NewController(clock, g, Options{MinSize: 1, MaxSize: 5, Metrics: Metrics{"CPUUtilization": m}, Observer: rec.observe},
		SimpleScaling{PolicyName: "add1", Metric: "CPUUtilization", Adjustment: 1,
			Alarm: AlarmConfig{Name: "cpu-high", Comparison: GreaterThanThreshold, Threshold: 66}},
		SimpleScaling{PolicyName: "remove1", Metric: "CPUUtilization", Adjustment: -1,
			Alarm: AlarmConfig{Name: "cpu-low", Comparison: LessThanThreshold, Threshold: 40}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	clock.Advance(40 * time.Minute)
	g.setDemand(50)
	clock.Advance(30 * time.Minute)

	want := []struct {
		at       time.Duration
		from, to int
	}{
		{3 * time.Minute, 1, 2}, {8 * time.Minute, 2, 3}, {13 * time.Minute, 3, 4}, // 4 × 62.5 % < 66: stop
		{43 * time.Minute, 4, 3}, {48 * time.Minute, 3, 2}, {53 * time.Minute, 2, 1}, // min 1
	}
	s := rec.scales()
	if len(s) != len(want) {
		t.Fatalf("scaling events = %d, want %d:\n%s", len(s), len(want), rec.log())
	}
	for i, w := range want {
		if !s[i].Time.Equal(epoch.Add(w.at)) || s[i].From != w.from || s[i].To != w.to {
			t.Errorf("step %d = %v, want %d->%d at +%v", i, s[i], w.from, w.to, w.at)
		}
		if i > 0 && s[i].Time.Sub(s[i-1].Time) < 300*time.Second {
			t.Errorf("step %d came %v after the previous, inside the 300 s cooldown", i, s[i].Time.Sub(s[i-1].Time))
		}
	}
	checkGolden(t, "simple_scaling_staircase", rec.log())
	// An hour later the terminated instances' series have aged out and been pruned.
	clock.Advance(70 * time.Minute)
	m.mu.Lock()
	left := len(m.series)
	m.mu.Unlock()
	if left != 1 {
		t.Errorf("%d series left after pruning, want 1 (the remaining instance)", left)
	}
}

func TestControllerClampsAndStop(t *testing.T) {
	clock := clocktest.New(epoch)
	m := newTestMetric(t, time.Minute, 0)
	g := &fixedGroup{desired: 9}
	rec := &recorder{}
	c, err := NewController(clock, g, Options{MinSize: 2, MaxSize: 4, Metrics: Metrics{"m": m}, Observer: rec.observe},
		StepScaling{PolicyName: "exact", Metric: "m", AdjustmentType: ExactCapacity,
			Alarm: AlarmConfig{Comparison: GreaterThanThreshold, Threshold: 10, TreatMissingData: Breaching},
			Steps: []StepAdjustment{{LowerBound: 0, UpperBound: inf, Adjustment: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatalf("second Start: %v", err)
	}
	clock.Advance(time.Minute)
	// 9 is above MaxSize: clamped to 4 on the first tick; the step asks for 100 but has
	// no data (missing counts as breaching, but there is no value to place in a step).
	s := rec.scales()
	if len(s) != 1 || s[0].To != 4 || g.Desired() != 4 {
		t.Fatalf("clamp: %v desired %d", s, g.Desired())
	}
	m.Put("x", epoch.Add(time.Minute), 50)
	clock.Advance(3 * time.Minute)
	if g.Desired() != 4 {
		t.Errorf("exact 100 not clamped to MaxSize 4: desired %d", g.Desired())
	}
	c.Stop()
	c.Stop()
	if err := c.Start(); err != ErrStopped {
		t.Errorf("Start after Stop = %v, want ErrStopped", err)
	}
	if n := clock.Pending(); n != 0 {
		t.Errorf("%d timers left after Stop", n)
	}
}

func TestNewControllerErrors(t *testing.T) {
	clock := clocktest.New(epoch)
	m := newTestMetric(t, time.Minute, 0)
	small, _ := NewMetric(MetricConfig{Name: "s", Period: time.Minute, Retention: 8})
	g := &fixedGroup{}
	ms := Metrics{"m": m, "s": small}
	tt := TargetTracking{PolicyName: "tt", Metric: "m", TargetValue: 50}
	tests := []struct {
		name  string
		opts  Options
		p     []Policy
		field string
	}{
		{"min negative", Options{MinSize: -1, MaxSize: 1, Metrics: ms}, nil, "MinSize"},
		{"max below min", Options{MinSize: 3, MaxSize: 1, Metrics: ms}, nil, "MaxSize"},
		{"warmup too long", Options{MaxSize: 1, InstanceWarmup: 2 * time.Hour, Metrics: ms}, nil, "InstanceWarmup"},
		{"bad timescale", Options{MaxSize: 1, Timescale: -2, Metrics: ms}, nil, "timescale"},
		{"unknown metric", Options{MaxSize: 1, Metrics: ms}, []Policy{TargetTracking{PolicyName: "x", Metric: "nope", TargetValue: 1}}, "Metric"},
		{"no metrics", Options{MaxSize: 1}, []Policy{tt}, "Metric"},
		{"invalid policy", Options{MaxSize: 1, Metrics: ms}, []Policy{TargetTracking{Metric: "m"}}, "TargetValue"},
		{"period not multiple", Options{MaxSize: 1, Metrics: ms}, []Policy{TargetTracking{Metric: "m", TargetValue: 5, Period: 90 * time.Second}}, "Period"},
		{"retention too short", Options{MaxSize: 1, Metrics: ms}, []Policy{TargetTracking{Metric: "s", TargetValue: 5}}, "EvaluationPeriods"},
		{"nil policy", Options{MaxSize: 1, Metrics: ms}, []Policy{nil}, "policies[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewController(clock, g, tc.opts, tc.p...)
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %v does not name %s", err, tc.field)
			}
		})
	}
	if _, err := NewController(nil, g, Options{}); err == nil {
		t.Error("nil clock accepted")
	}
}

func TestControllerHighResolutionCadence(t *testing.T) {
	clock := clocktest.New(epoch)
	m, err := NewMetric(MetricConfig{Name: "m", Period: 10 * time.Second, Retention: 128})
	if err != nil {
		t.Fatal(err)
	}
	g := &fixedGroup{desired: 1}
	c, err := NewController(clock, g, Options{MinSize: 1, MaxSize: 3, Metrics: Metrics{"m": m}},
		TargetTracking{PolicyName: "hr", Metric: "m", TargetValue: 50, Period: 10 * time.Second},
		TargetTracking{PolicyName: "std", Metric: "m", TargetValue: 50, Period: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if c.Interval() != 10*time.Second {
		t.Errorf("Interval = %v, want 10s with a high-resolution alarm", c.Interval())
	}
	if c.policies[1].alarms[0].every != 6 || c.policies[0].alarms[0].every != 1 {
		t.Errorf("cadence: hr every %d ticks, std every %d, want 1 and 6", c.policies[0].alarms[0].every, c.policies[1].alarms[0].every)
	}
}

// stoppedClock is a Clock that never fires, for driving Controller.step directly.
type stoppedClock struct{}

func (stoppedClock) Now() time.Time { return epoch }
func (stoppedClock) AfterFunc(time.Duration, func()) platform.Timer {
	return stoppedTimer{}
}

type stoppedTimer struct{}

func (stoppedTimer) Stop() bool { return false }

func TestControllerServiceCombiner(t *testing.T) {
	clock := clocktest.New(epoch)
	cpu := newTestMetric(t, time.Minute, -1)
	req := newTestMetric(t, time.Minute, -1)
	g := &fixedGroup{desired: 4, stuck: true}
	for i := 0; i < 4; i++ {
		g.insts = append(g.insts, InstanceState{ID: fmt.Sprintf("t-%d", i), InServiceAt: epoch.Add(-time.Hour)})
	}
	for m := 0; m < 40; m++ {
		at := epoch.Add(time.Duration(m) * time.Minute)
		perTarget := 900.0 // at the request policy's scale-in threshold (0.9 × 1000): not below
		if m >= 15 {
			perTarget = 100
		}
		for _, st := range g.insts {
			cpu.Put(st.ID, at, 10)
			req.Put(st.ID, at, perTarget)
		}
	}
	rec := &recorder{}
	c, err := NewController(clock, g, Options{MinSize: 1, MaxSize: 10, Combiner: NewServiceCombiner(AWSDefaults(), 1),
		Metrics: Metrics{"cpu": cpu, "req": req}, Observer: rec.observe},
		TargetTracking{PolicyName: "cpu", Metric: "cpu", TargetValue: 50, ScaleInDatapoints: 3},
		TargetTracking{PolicyName: "req", Metric: "req", Statistic: SumPerSource, TargetValue: 1000, ScaleInDatapoints: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	clock.Advance(30 * time.Minute)
	// CPU wants to scale in from 00:03; requests agree only once three datapoints below
	// 900 are in (periods 15, 16, 17 → 00:18). The service's count does not move, so the
	// 300 s scale-in cooldown shows as the gap to the next attempt.
	s := rec.scales()
	if len(s) < 2 || !s[0].Time.Equal(epoch.Add(18*time.Minute)) || !s[1].Time.Equal(epoch.Add(23*time.Minute)) || s[0].To != 1 {
		t.Errorf("service scale-ins = %v, want 4->1 at 00:18:00 and again at 00:23:00\n%s", s, rec.log())
	}
}
