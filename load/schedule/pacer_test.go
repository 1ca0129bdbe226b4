package schedule

import (
	"math"
	"testing"
	"time"
)

func offsets(s Schedule, sp Spacing, seed uint64) []time.Duration {
	p := NewPacer(&s, sp, seed)
	var out []time.Duration
	for {
		off, ok := p.Next()
		if !ok {
			return out
		}
		out = append(out, off)
	}
}

func TestUniformConstant(t *testing.T) {
	got := offsets(Constant(200, 10*time.Second), Uniform, 1)
	if len(got) != 2000 {
		t.Fatalf("%d arrivals, want 2000", len(got))
	}
	for i, off := range got {
		want := time.Duration((float64(i) + 0.5) * float64(5*time.Millisecond))
		if d := off - want; d < -time.Microsecond || d > time.Microsecond {
			t.Fatalf("arrival %d at %v, want %v", i, off, want)
		}
	}
}

func TestCountsFollowTheProfile(t *testing.T) {
	tests := []struct {
		name    string
		sched   Schedule
		spacing Spacing
		// the expected number of arrivals before each checkpoint
		at   []time.Duration
		want []float64
		tol  float64 // relative
	}{
		{"ramp up uniform", Ramp(0, []Stage{{10 * time.Second, 100}}), Uniform,
			[]time.Duration{5 * time.Second, 10 * time.Second}, []float64{125, 500}, 0.01},
		{"ramp down uniform", Ramp(100, []Stage{{10 * time.Second, 0}}), Uniform,
			[]time.Duration{5 * time.Second, 10 * time.Second}, []float64{375, 500}, 0.01},
		{"stages uniform", Ramp(0, []Stage{{2 * time.Second, 100}, {4 * time.Second, 100}, {2 * time.Second, 0}}), Uniform,
			[]time.Duration{2 * time.Second, 6 * time.Second, 8 * time.Second}, []float64{100, 500, 600}, 0.01},
		{"constant poisson", Constant(1000, 20*time.Second), Poisson,
			[]time.Duration{10 * time.Second, 20 * time.Second}, []float64{10000, 20000}, 0.03},
		{"ramp poisson", Ramp(0, []Stage{{20 * time.Second, 1000}}), Poisson,
			[]time.Duration{10 * time.Second, 20 * time.Second}, []float64{2500, 10000}, 0.04},
		{"idle gap", Schedule{Segments: []Segment{{Duration: time.Second}, {Duration: time.Second, From: 10, To: 10}}}, Uniform,
			[]time.Duration{time.Second, 2 * time.Second}, []float64{0, 10}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := offsets(tt.sched, tt.spacing, 42)
			for i, at := range tt.at {
				n := 0
				for _, off := range got {
					if off < at {
						n++
					}
				}
				if math.Abs(float64(n)-tt.want[i]) > tt.tol*tt.want[i]+1 {
					t.Errorf("%d arrivals before %v, want %.0f ± %.0f%%", n, at, tt.want[i], tt.tol*100)
				}
				if e := tt.sched.ExpectedUntil(at); math.Abs(e-tt.want[i]) > 1e-6 {
					t.Errorf("ExpectedUntil(%v) = %v, want %v", at, e, tt.want[i])
				}
			}
			for i := 1; i < len(got); i++ {
				if got[i] < got[i-1] {
					t.Fatalf("offsets go back in time at %d: %v < %v", i, got[i], got[i-1])
				}
			}
		})
	}
}

func TestPoissonIsSeeded(t *testing.T) {
	s := Constant(500, 2*time.Second)
	a, b, c := offsets(s, Poisson, 7), offsets(s, Poisson, 7), offsets(s, Poisson, 8)
	if len(a) != len(b) {
		t.Fatalf("same seed gave %d and %d arrivals", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed differs at %d", i)
		}
	}
	same := len(a) == len(c)
	for i := 0; same && i < len(a); i++ {
		same = a[i] == c[i]
	}
	if same {
		t.Fatal("different seeds gave identical schedules")
	}
	// Poisson gaps have a coefficient of variation near 1; uniform ones near 0.
	var sum, sq float64
	for i := 1; i < len(a); i++ {
		g := (a[i] - a[i-1]).Seconds()
		sum += g
		sq += g * g
	}
	n := float64(len(a) - 1)
	mean := sum / n
	cv := math.Sqrt(sq/n-mean*mean) / mean
	if cv < 0.85 || cv > 1.15 {
		t.Errorf("coefficient of variation of Poisson gaps %.2f, want ≈ 1", cv)
	}
}

func TestEmptyAndZeroSchedules(t *testing.T) {
	for _, s := range []Schedule{{}, Constant(0, time.Minute), Ramp(0, []Stage{{time.Second, 0}})} {
		if got := offsets(s, Poisson, 1); len(got) != 0 {
			t.Errorf("%+v scheduled %d arrivals", s.Segments, len(got))
		}
	}
}

func TestRateAtAndPeak(t *testing.T) {
	s := Ramp(10, []Stage{{10 * time.Second, 110}, {5 * time.Second, 0}})
	for _, c := range []struct {
		at   time.Duration
		want float64
	}{{0, 10}, {5 * time.Second, 60}, {10 * time.Second, 110}, {12500 * time.Millisecond, 55}, {time.Minute, 0}} {
		if got := s.RateAt(c.at); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("RateAt(%v) = %v, want %v", c.at, got, c.want)
		}
	}
	if s.Peak() != 110 || s.Duration() != 15*time.Second {
		t.Errorf("Peak %v Duration %v", s.Peak(), s.Duration())
	}
}

func TestParseSpacing(t *testing.T) {
	for in, want := range map[string]Spacing{"": Uniform, "uniform": Uniform, "poisson": Poisson} {
		if got, err := ParseSpacing(in); err != nil || got != want {
			t.Errorf("ParseSpacing(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSpacing("exponential"); err == nil {
		t.Error("ParseSpacing accepted exponential")
	}
}

func BenchmarkPacer(b *testing.B) {
	for _, sp := range []Spacing{Uniform, Poisson} {
		b.Run(string(sp), func(b *testing.B) {
			s := Ramp(0, []Stage{{time.Hour, 1e6}, {time.Hour, 1e6}})
			p := NewPacer(&s, sp, 1)
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := p.Next(); !ok {
					b.Fatal("schedule exhausted")
				}
			}
		})
	}
}
