package mnist

// heavy multiplies the inference work of a model; see Heavy.
type heavy struct {
	Model
	factor int
}

// Heavy returns a model that computes m's prediction factor times per call and returns
// the last result, so that the CPU cost of a request can be dialled up (e.g. to make the
// SVM a heavier CPU-bound workload for scaling experiments) without retraining.
// A factor ≤ 1 returns m itself.
func Heavy(m Model, factor int) Model {
	if factor <= 1 {
		return m
	}
	return &heavy{m, factor}
}

// Predict implements Model.
func (h *heavy) Predict(x []float32) []float32 {
	var p []float32
	for range h.factor {
		p = h.Model.Predict(x)
	}
	return p
}
