package lb

import (
	"math"
	"testing"
	"time"
)

func TestSlowStartRampsLinearly(t *testing.T) {
	b, c := newBalancer(t, Config{SlowStart: 100 * time.Second}, newFakeProber())
	register(t, b, "old")
	c.Advance(0)
	if b.Targets()[0].SlowStart {
		t.Fatal("the first healthy target entered slow start; ALB sends it full traffic")
	}
	register(t, b, "new")
	c.Advance(0)
	if !b.Targets()[1].SlowStart {
		t.Fatal("a target joining a serving group is not in slow start")
	}
	for _, tt := range []struct {
		at    time.Duration
		ratio float64 // requests to new per request to old
	}{
		{10 * time.Second, 0.1},
		{50 * time.Second, 0.5},
		{90 * time.Second, 0.9},
		{100 * time.Second, 1},
		{200 * time.Second, 1},
	} {
		c.Set(t0.Add(tt.at))
		n := map[string]float64{}
		for i := 0; i < 2000; i++ {
			tg, _ := b.Pick()
			n[tg.ID]++
			b.Release(tg)
		}
		if got := n["new"] / n["old"]; math.Abs(got-tt.ratio) > 0.02 {
			t.Errorf("at +%v: new/old = %.3f, want %.2f", tt.at, got, tt.ratio)
		}
	}
	if b.Targets()[1].SlowStart {
		t.Error("slow start did not end")
	}
}

func TestSlowStartConfig(t *testing.T) {
	if err := (Config{SlowStart: time.Minute, Algorithm: LeastOutstandingRequests}).Validate(); err == nil {
		t.Error("slow start with least outstanding requests accepted")
	}
	if got := (Config{SlowStart: time.Minute, Timescale: 60}).EffectiveSlowStart(); got != time.Second {
		t.Errorf("compressed slow start = %v, want 1s", got)
	}
}
