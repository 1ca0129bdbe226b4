package mnist

import (
	"context"
	"time"
)

// Progress reports how far training has got; trainers call a ProgressFunc after each
// epoch (MLP) or class pair (SVM), so the CLI can show that long work is moving.
type Progress struct {
	Phase    string        // "epoch" or "pair"
	Step     int           // steps done so far, 1-based
	Steps    int           // total steps
	Elapsed  time.Duration // since training started
	Accuracy float64       // test accuracy after this step; negative when not measured
	Detail   string        // phase-specific, e.g. "loss 0.0831" or "3 vs 8: 412 SVs"
}

// ProgressFunc receives training progress. It is called from one goroutine at a time.
type ProgressFunc func(Progress)

func (f ProgressFunc) report(p Progress) {
	if f != nil {
		f(p)
	}
}

// Accuracy is the share of ds that m classifies correctly. It stops early, returning
// the context's error, when ctx is cancelled.
func Accuracy(ctx context.Context, m Model, ds *Dataset) (float64, error) {
	if ds.Len() == 0 {
		return 0, nil
	}
	x := make([]float32, Pixels)
	correct := 0
	for i := 0; i < ds.Len(); i++ {
		if i%256 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		ToFloat(x, ds.Images[i*Pixels:(i+1)*Pixels])
		if Argmax(m.Predict(x)) == int(ds.Labels[i]) {
			correct++
		}
	}
	return float64(correct) / float64(ds.Len()), nil
}

// Argmax is the index of the largest value of p (the first one on ties), i.e. the digit
// a probability vector predicts.
func Argmax(p []float32) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}
