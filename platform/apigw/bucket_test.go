package apigw

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestTokenBucket(t *testing.T) {
	tests := []struct {
		name  string
		rate  float64
		burst int
		// at are request times (offsets from t0); want the expected verdicts.
		at   []time.Duration
		want []bool
	}{
		{"burst then empty", 1, 3, []time.Duration{0, 0, 0, 0}, []bool{true, true, true, false}},
		{"refill at rate", 10, 1, []time.Duration{0, 0, 50 * time.Millisecond, 100 * time.Millisecond}, []bool{true, false, false, true}},
		{"refill capped at burst", 100, 2, []time.Duration{0, 0, 10 * time.Second, 10 * time.Second, 10 * time.Second}, []bool{true, true, true, true, false}},
		{"clock stepping back mints nothing", 1, 1, []time.Duration{time.Second, 0, 0}, []bool{true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewTokenBucket(tt.rate, tt.burst)
			for i, d := range tt.at {
				if got := b.Allow(t0.Add(d)); got != tt.want[i] {
					t.Errorf("request %d at %v: allowed %v, want %v", i, d, got, tt.want[i])
				}
			}
		})
	}
}

func TestTokenBucketSteadyRate(t *testing.T) {
	// 10,000 rps offered against a 1,000 rps / 500 burst bucket for 10 s: the bucket
	// admits burst + rate × time.
	b := NewTokenBucket(1000, 500)
	admitted := 0
	for i := 0; i < 100000; i++ {
		if b.Allow(t0.Add(time.Duration(i) * 100 * time.Microsecond)) {
			admitted++
		}
	}
	if want := 500 + 1000*10; admitted < want-2 || admitted > want+2 {
		t.Errorf("admitted %d, want about %d", admitted, want)
	}
}

func BenchmarkTokenBucketAllow(b *testing.B) {
	tb := NewTokenBucket(10000, 5000)
	now := t0
	for i := 0; i < b.N; i++ {
		now = now.Add(50 * time.Microsecond)
		tb.Allow(now)
	}
}
