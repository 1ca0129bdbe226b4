package traffic

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		err  string
		at   float64 // seconds
		rate float64
	}{
		{in: "diurnal:peak=5000,trough=300", at: 14 * 3600, rate: 5000},
		{in: "diurnal:peak=5000,trough=300", at: 2 * 3600, rate: 300},
		{in: "diurnal:peak=100,trough=0,peak_hour=0", at: 0, rate: 100},
		{in: "weekly:peak=100,trough=100,weekend=0.5", at: 5*86400 + 3600, rate: 50},
		{in: "weekly:peak=100,trough=100", at: 2 * 86400, rate: 100},
		{in: "flash:base=10,peak=110,at=1h,rise=100s", at: 3600 + 50, rate: 60},
		{in: "flash:base=10,peak=110,at=1h", at: 3500, rate: 10},
		{in: "constant:rate=7", at: 123, rate: 7},
		{in: "sine:peak=1", err: "not a shape"},
		{in: "diurnal:peak=10", err: "trough= is required"},
		{in: "diurnal:peak=10,trough=20", err: "must not exceed"},
		{in: "diurnal:peak=x,trough=1", err: "must be a number"},
		{in: "constant:rate=-1", err: "must be a number"},
		{in: "constant:rate=1,bogus=2", err: "want key=value"},
	}
	for _, c := range cases {
		tr, err := Parse(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := tr.RateAt(c.at); math.Abs(got-c.rate) > 1e-6*math.Max(1, c.rate) {
			t.Errorf("%s at %vs: %v, want %v", c.in, c.at, got, c.rate)
		}
	}
}

// TestTrafficScheduleMean: a diurnal day's schedule carries the mean of peak and trough,
// and noise is seeded.
func TestTrafficScheduleMean(t *testing.T) {
	tr, _ := Parse("diurnal:peak=5000,trough=300,noise=0.1")
	s := tr.Schedule(24*time.Hour, 1)
	if mean := s.Expected() / 86400; math.Abs(mean-2650)/2650 > 0.01 {
		t.Errorf("mean %v req/s, want 2650 ± 1%%", mean)
	}
	a, b, c := tr.Schedule(time.Hour, 1), tr.Schedule(time.Hour, 1), tr.Schedule(time.Hour, 2)
	if a.Expected() != b.Expected() || a.Expected() == c.Expected() {
		t.Error("noise is not seeded")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"diurnal:peak=5000,trough=300", "flash:base=1,peak=2,at=1h", "weekly:peak=1,trough=0,weekend=0", "constant:rate=1", ":", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := Parse(s)
		if err != nil {
			return
		}
		for _, at := range []float64{0, 3600, 86400 * 6.5} {
			if r := tr.RateAt(at); math.IsNaN(r) || r < 0 {
				t.Fatalf("%q: rate %v at %v", s, r, at)
			}
		}
	})
}
