package engine

import (
	"math"
	"testing"
)

func TestHistQuantiles(t *testing.T) {
	var h Hist
	for v := int64(1); v <= 100000; v++ {
		h.Record(v * 1000) // 1 µs … 100 ms uniform
	}
	for _, q := range []float64{0.5, 0.95, 0.99} {
		want := q * 100000 * 1000
		if got := h.Quantile(q); math.Abs(got-want)/want > 0.02 {
			t.Errorf("q%.2f = %.0f, want %.0f ± 2%%", q, got, want)
		}
	}
	if h.Max() != 100000*1000 || h.Count() != 100000 {
		t.Errorf("max %d count %d", h.Max(), h.Count())
	}
	h.Reset()
	if h.Count() != 0 || h.Quantile(0.5) != 0 {
		t.Error("Reset left values")
	}
}

func TestHistIndexMonotone(t *testing.T) {
	prev := -1
	for v := int64(0); v < 1<<41; v = v*9/8 + 1 {
		i := histIndex(v)
		if i < prev || i >= histBuckets {
			t.Fatalf("index(%d) = %d after %d", v, i, prev)
		}
		if v < 1<<39 && math.Abs(histValue(i)-float64(v)) > float64(v)/histSub+1 {
			t.Fatalf("value(index(%d)) = %v", v, histValue(i))
		}
		prev = i
	}
}
