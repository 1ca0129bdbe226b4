package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestParseTrace(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		speedup float64
		dur     time.Duration
		total   float64
	}{
		{"offsets with header", "offset_seconds,count\n0,10\n1,20\n3,0\n", 1, 5 * time.Second, 30},
		{"offsets starting late", "# recorded\n2,10\n3,10\n", 1, 4 * time.Second, 20},
		{"per minute", "120\n60\n\n0\n30\n", 1, 4 * time.Minute, 210},
		{"per minute header", "count\n60\n60\n", 1, 2 * time.Minute, 120},
		{"minute offsets", "minute,count\n0,60\n2,60\n", 1, 4 * time.Minute, 120},
		{"speedup", "60\n60\n", 60, 2 * time.Second, 120},
		{"one row", "0,5\n", 1, time.Second, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseTrace(strings.NewReader(tt.in), tt.speedup)
			if err != nil {
				t.Fatal(err)
			}
			if s.Duration() != tt.dur {
				t.Errorf("duration %v, want %v", s.Duration(), tt.dur)
			}
			if got := s.Expected(); got < tt.total-1e-6 || got > tt.total+1e-6 {
				t.Errorf("expected arrivals %v, want %v", got, tt.total)
			}
			if n := len(offsets(s, Uniform, 1)); float64(n) != tt.total {
				t.Errorf("uniform pacer gave %d arrivals, want %v", n, tt.total)
			}
		})
	}
}

func TestParseTraceErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "no rows"},
		{"offset,count\n", "no rows"},
		{"0,1\n1\n", "line 2: 1 fields"},
		{"0,1\n0,2\n", "not after"},
		{"0,-1\n", "must be ≥ 0"},
		{"0,x\n", "count"},
		{"0,1,2\n", "fields"},
		{"0,NaN\n", "not a number"},
	}
	for _, tt := range tests {
		_, err := ParseTrace(strings.NewReader(tt.in), 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseTrace(%q) error %v, want %q", tt.in, err, tt.want)
		}
	}
	if _, err := ParseTrace(strings.NewReader("1\n"), 0); err == nil {
		t.Error("speedup 0 accepted")
	}
}

func FuzzParseTrace(f *testing.F) {
	for _, s := range []string{"offset_seconds,count\n0,10\n1,20\n", "120\n60\n", "minute,count\n0,1\n", "# c\n\n0.5,3\n", "0,1e12\n1,0\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseTrace(strings.NewReader(in), 1)
		if err != nil {
			return
		}
		if s.Duration() < 0 || s.Expected() < 0 {
			t.Fatalf("negative schedule from %q", in)
		}
		p := NewPacer(&s, Poisson, 1)
		var last time.Duration
		for i := 0; i < 1000; i++ {
			off, ok := p.Next()
			if !ok {
				break
			}
			if off < last || off > s.Duration() {
				t.Fatalf("offset %v out of order or past %v", off, s.Duration())
			}
			last = off
		}
	})
}
