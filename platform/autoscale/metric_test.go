package autoscale

import (
	"math"
	"testing"
	"time"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newTestMetric(t testing.TB, period, delay time.Duration) *Metric {
	t.Helper()
	m, err := NewMetric(MetricConfig{Name: "CPUUtilization", Period: period, Delay: delay})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMetricStatistics(t *testing.T) {
	m := newTestMetric(t, time.Minute, -1)
	// Two instances, one sample per second for one minute; a third in warm-up.
	for s := 0; s < 60; s++ {
		at := epoch.Add(time.Duration(s) * time.Second)
		m.Put("i-1", at, 30)
		m.Put("i-2", at, 90)
		m.Put("i-3", at, 100)
	}
	m.Series("i-3").ExcludeBefore(epoch.Add(time.Minute))
	tests := []struct {
		stat Statistic
		want float64
	}{
		{Average, 60}, {Sum, 60*30 + 60*90}, {Maximum, 90}, {Minimum, 30}, {SampleCount, 120}, {SumPerSource, 60 * 60},
	}
	for _, tt := range tests {
		dp := m.Datapoint(epoch, time.Minute, tt.stat)
		if !dp.OK || dp.Value != tt.want {
			t.Errorf("%v = %v (ok %v), want %v", tt.stat, dp.Value, dp.OK, tt.want)
		}
	}
	if dp := m.Datapoint(epoch, time.Minute, Average); dp.Sources != 2 {
		t.Errorf("Sources = %v, want 2", dp.Sources)
	}
	// An instance that reported half the period counts as half a source.
	for s := 30; s < 60; s++ {
		m.Put("i-4", epoch.Add(time.Duration(s)*time.Second), 60)
	}
	if dp := m.Datapoint(epoch, time.Minute, Average); dp.Sources != 2.5 || dp.Value != 60 {
		t.Errorf("with a half-period source: %+v, want Sources 2.5, Average 60", dp)
	}
	m.Remove("i-4")
	// Once the warm-up exclusion is lifted, the third instance counts.
	m.Series("i-3").ExcludeBefore(time.Time{})
	if dp := m.Datapoint(epoch, time.Minute, Maximum); dp.Value != 100 {
		t.Errorf("Maximum after warm-up = %v, want 100", dp.Value)
	}
}

func TestMetricPeriodsAndDelay(t *testing.T) {
	m := newTestMetric(t, 10*time.Second, 2*time.Minute)
	for s := 0; s < 300; s++ {
		m.Put("i-1", epoch.Add(time.Duration(s)*time.Second), float64(s/60)) // 0,1,2,3,4 per minute
	}
	// A 1-minute datapoint is an aggregate of six 10-second buckets.
	if dp := m.Datapoint(epoch.Add(2*time.Minute), time.Minute, Average); !dp.OK || dp.Value != 2 {
		t.Errorf("minute 2 average = %+v, want 2", dp)
	}
	// At 05:00 with a 2-minute delay, the newest visible minute is [02:00, 03:00).
	now := epoch.Add(5 * time.Minute)
	if got := m.LatestVisible(now, time.Minute); !got.Equal(epoch.Add(2 * time.Minute)) {
		t.Errorf("LatestVisible = %v, want 00:02:00", got)
	}
	dps := m.Recent(nil, now, time.Minute, 4, Average)
	want := []struct {
		v  float64
		ok bool
	}{{0, false}, {0, true}, {1, true}, {2, true}}
	if len(dps) != 4 {
		t.Fatalf("Recent returned %d", len(dps))
	}
	// The first requested minute, [-01:00, 00:00), is before any sample: missing.
	for i, w := range want {
		if dps[i].OK != w.ok || dps[i].Value != w.v {
			t.Errorf("Recent[%d] = %+v, want %v ok %v", i, dps[i], w.v, w.ok)
		}
	}
	// Periods that are not a multiple of the storage period yield missing data.
	if dp := m.Datapoint(epoch, 15*time.Second, Average); dp.OK {
		t.Errorf("15 s datapoint over 10 s storage = %+v, want missing", dp)
	}
}

func TestMetricRetentionAndPrune(t *testing.T) {
	m, err := NewMetric(MetricConfig{Name: "m", Period: time.Minute, Delay: -1, Retention: 4})
	if err != nil {
		t.Fatal(err)
	}
	m.Put("a", epoch.Add(10*time.Minute), 1)
	m.Put("a", epoch.Add(5*time.Minute), 1) // older than the 4-period window
	m.Put("a", epoch.Add(9*time.Minute), math.NaN())
	if got := m.Dropped(); got != 2 {
		t.Errorf("Dropped = %d, want 2", got)
	}
	// The ring slot reused by a newer period must not leak old data.
	m.Put("a", epoch.Add(14*time.Minute), 7)
	if dp := m.Datapoint(epoch.Add(10*time.Minute), time.Minute, Sum); dp.OK {
		t.Errorf("overwritten period = %+v, want missing", dp)
	}
	m.Put("b", epoch.Add(14*time.Minute), 1)
	m.Series("never-reported")
	if n := m.Prune(epoch.Add(17*time.Minute), nil); n != 0 {
		t.Errorf("Prune removed %d fresh series", n)
	}
	if n := m.Prune(epoch.Add(30*time.Minute), map[string]bool{"b": true}); n != 1 {
		t.Errorf("Prune removed %d, want 1 (a; b is kept, never-reported has no data)", n)
	}
	if n := m.Prune(epoch.Add(30*time.Minute), nil); n != 1 {
		t.Errorf("Prune removed %d, want 1 (b)", n)
	}
	m.Remove("none")
	s := m.Series("c")
	m.Remove("c")
	if dp := m.Datapoint(epoch.Add(14*time.Minute), time.Minute, SampleCount); dp.OK {
		t.Errorf("pruned series still counted: %+v", dp)
	}
	// A handle kept by a producer revives its series on the next Put...
	s.Put(epoch.Add(30*time.Minute), 1)
	if dp := m.Datapoint(epoch.Add(30*time.Minute), time.Minute, SampleCount); !dp.OK || dp.Value != 1 {
		t.Errorf("revived series = %+v, want 1 sample", dp)
	}
	// ...unless a new series took the id.
	m.Remove("c")
	fresh := m.Series("c")
	s.Put(epoch.Add(30*time.Minute), 1)
	fresh.Put(epoch.Add(30*time.Minute), 2)
	if dp := m.Datapoint(epoch.Add(30*time.Minute), time.Minute, Sum); dp.Value != 2 {
		t.Errorf("stale handle wrote into the new series: %+v", dp)
	}
}

func TestMetricConfigValidate(t *testing.T) {
	checkFieldError(t, MetricConfig{Name: "m", Period: -time.Second, Retention: 1}.Validate(), "Period")
	checkFieldError(t, MetricConfig{Name: "m", Period: time.Second, Retention: -1}.Validate(), "Retention")
	if _, err := NewMetric(MetricConfig{Period: -1}); err == nil {
		t.Error("NewMetric accepted a negative period")
	}
	c := MetricConfig{}.Scaled(60)
	if c.Period != time.Second || c.Delay != 2*time.Second {
		t.Errorf("Scaled(60) = %+v, want 1s period, 2s delay", c)
	}
}

func TestStatisticNames(t *testing.T) {
	if Average.String() != "Average" || SumPerSource.String() != "SumPerSource" || Statistic(99).String() != "Statistic(99)" {
		t.Error("statistic names")
	}
}

func TestMetricBeforeUnixEpoch(t *testing.T) {
	// Periods are aligned with floor division, so instants before 1970 (a simulator's
	// virtual clock may start at the zero time) land in the right period.
	m := newTestMetric(t, time.Minute, -1)
	at := time.Unix(-30, 0)
	m.Put("i-1", at, 5)
	if got := m.LatestVisible(time.Unix(0, 0), time.Minute); !got.Equal(time.Unix(-60, 0)) {
		t.Errorf("LatestVisible = %v, want -60s", got.Unix())
	}
	if dp := m.Datapoint(time.Unix(-60, 0), time.Minute, Sum); !dp.OK || dp.Value != 5 {
		t.Errorf("datapoint before 1970 = %+v", dp)
	}
	if m.Series("i-1").ID() != "i-1" {
		t.Error("ID")
	}
}
