package engine

import "testing"

func TestHistMerge(t *testing.T) {
	var a, b, both Hist
	for v := int64(1); v <= 1000; v++ {
		a.Record(v * 1000)
		both.Record(v * 1000)
	}
	for v := int64(1); v <= 500; v++ {
		b.Record(v * 7000)
		both.Record(v * 7000)
	}
	a.Merge(&b)
	a.Merge(&Hist{})
	for _, q := range []float64{0.1, 0.5, 0.95, 0.99, 1} {
		if a.Quantile(q) != both.Quantile(q) {
			t.Errorf("q%v: merged %v, recorded together %v", q, a.Quantile(q), both.Quantile(q))
		}
	}
	if a.Count() != 1500 || a.Max() != both.Max() {
		t.Errorf("count %d max %d, want 1500 and %d", a.Count(), a.Max(), both.Max())
	}
}
