package mnist

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"time"
)

// MLPConfig holds the training knobs of an MLP. Zero fields take the defaults named.
type MLPConfig struct {
	Hidden    int     // hidden units; default 256
	Epochs    int     // passes over the training set; default 20
	BatchSize int     // images per Adam step; default 32
	LearnRate float64 // Adam step size; default 0.001
	Seed      int64   // seeds weight initialisation and shuffling; same seed → same model
	// NoDeskew turns off deskewing the images (see Deskew); on by default.
	NoDeskew bool
	// NoAugment turns off the random ±1-pixel shifts applied to each training image in
	// each epoch; they curb overfitting a training set of only 8,000 digits.
	NoAugment bool
	// Progress, if set, is called after each epoch with the test accuracy so far.
	Progress ProgressFunc
}

func (c *MLPConfig) defaults() error {
	if c.Hidden == 0 {
		c.Hidden = 256
	}
	if c.Epochs == 0 {
		c.Epochs = 20
	}
	if c.BatchSize == 0 {
		c.BatchSize = 32
	}
	if c.LearnRate == 0 {
		c.LearnRate = 0.001
	}
	switch {
	case c.Hidden < 1 || c.Hidden > 4096:
		return configErrorf("mlp: hidden %d must be within 1–4096", c.Hidden)
	case c.Epochs < 1:
		return configErrorf("mlp: epochs %d must be at least 1", c.Epochs)
	case c.BatchSize < 1:
		return configErrorf("mlp: batch size %d must be at least 1", c.BatchSize)
	case !(c.LearnRate > 0 && c.LearnRate < 1):
		return configErrorf("mlp: learning rate %v must be within (0,1)", c.LearnRate)
	}
	return nil
}

// TrainMLP trains an MLP with mini-batch Adam on cross-entropy loss. Training is
// single-threaded and uses only a rand.Rand seeded with cfg.Seed, so the same data and
// config give bit-identical weights. test, if not nil, is evaluated after each epoch for
// cfg.Progress.
func TrainMLP(ctx context.Context, train, test *Dataset, cfg MLPConfig) (*MLP, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if train.Len() == 0 {
		return nil, configErrorf("mlp: training set %s is empty", train.Name)
	}
	begin := time.Now()
	if !cfg.NoDeskew {
		train = deskewDataset(train)
	}
	rng := rand.New(rand.NewSource(cfg.Seed))
	H := cfg.Hidden
	m := &MLP{Hidden: H, W1: make([]float32, Pixels*H), B1: make([]float32, H),
		W2: make([]float32, H*Classes), B2: make([]float32, Classes), Deskew: !cfg.NoDeskew}
	// He initialisation suits ReLU units.
	for i := range m.W1 {
		m.W1[i] = float32(rng.NormFloat64() * math.Sqrt(2.0/Pixels))
	}
	for i := range m.W2 {
		m.W2[i] = float32(rng.NormFloat64() * math.Sqrt(2.0/float64(H)))
	}
	params := [][]float32{m.W1, m.B1, m.W2, m.B2}
	grads := make([][]float32, len(params))
	opt := make([]adam, len(params))
	for i, p := range params {
		grads[i] = make([]float32, len(p))
		opt[i] = newAdam(len(p))
	}
	gW1, gB1, gW2, gB2 := grads[0], grads[1], grads[2], grads[3]
	x := make([]float32, Pixels)
	h := make([]float32, H)
	dh := make([]float32, H)
	s := make([]float64, Classes)
	order := rng.Perm(train.Len())
	step, steps := 0, cfg.Epochs*((len(order)+cfg.BatchSize-1)/cfg.BatchSize)
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss float64
		for b := 0; b < len(order); b += cfg.BatchSize {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			batch := order[b:min(b+cfg.BatchSize, len(order))]
			for _, g := range grads {
				clear(g)
			}
			for _, n := range batch {
				img := train.Images[n*Pixels : (n+1)*Pixels]
				if cfg.NoAugment {
					ToFloat(x, img)
				} else {
					shiftInto(x, img, rng.Intn(3)-1, rng.Intn(3)-1)
				}
				m.hidden(h, x)
				m.output(s, h)
				p := softmax(s)
				label := int(train.Labels[n])
				loss -= math.Log(max(float64(p[label]), 1e-12))
				// Output layer: ∂loss/∂score = p − onehot(label).
				clear(dh)
				for k := range Classes {
					d := p[k]
					if k == label {
						d--
					}
					gB2[k] += d
					for j, hj := range h {
						if hj != 0 {
							gW2[j*Classes+k] += d * hj
							dh[j] += d * m.W2[j*Classes+k]
						}
					}
				}
				// Hidden layer: only active ReLUs pass gradient, only inked pixels have
				// a weight gradient.
				for j := range dh {
					if h[j] == 0 {
						dh[j] = 0
					}
					gB1[j] += dh[j]
				}
				for px, v := range x {
					if v != 0 {
						axpy(gW1[px*H:(px+1)*H], dh, v)
					}
				}
			}
			step++
			scale := float32(1) / float32(len(batch))
			// The step size decays linearly to a tenth so that the last epochs settle
			// instead of jumping between minima.
			lr := cfg.LearnRate * (1 - 0.9*float64(step-1)/float64(steps))
			for i, p := range params {
				opt[i].update(p, grads[i], scale, lr, step)
			}
		}
		acc := -1.0
		if test != nil && test.Len() > 0 {
			var err error
			if acc, err = Accuracy(ctx, m, test); err != nil {
				return nil, err
			}
		}
		cfg.Progress.report(Progress{Phase: "epoch", Step: epoch, Steps: cfg.Epochs, Elapsed: time.Since(begin),
			Accuracy: acc, Detail: fmt.Sprintf("loss %.4f", loss/float64(len(order)))})
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%w (training diverged; lower the learning rate)", err)
	}
	return m, nil
}

// adam holds the moment estimates of the Adam optimiser (Kingma & Ba 2015) for one
// parameter tensor.
type adam struct{ m, v []float32 }

func newAdam(n int) adam { return adam{make([]float32, n), make([]float32, n)} }

// update applies one Adam step to p with gradient g·scale at step t (1-based).
func (a adam) update(p, g []float32, scale float32, lr float64, t int) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	c1 := 1 - math.Pow(b1, float64(t))
	c2 := 1 - math.Pow(b2, float64(t))
	alpha := float32(lr * math.Sqrt(c2) / c1)
	for i, gi := range g {
		gi *= scale
		a.m[i] = b1*a.m[i] + (1-b1)*gi
		a.v[i] = b2*a.v[i] + (1-b2)*gi*gi
		p[i] -= alpha * a.m[i] / (float32(math.Sqrt(float64(a.v[i]))) + eps)
	}
}

// shiftInto writes img, moved dx columns right and dy rows down with zeros shifted in,
// into x as model input.
func shiftInto(x []float32, img []byte, dx, dy int) {
	for r := range 28 {
		for c := range 28 {
			sr, sc := r-dy, c-dx
			if sr < 0 || sr >= 28 || sc < 0 || sc >= 28 {
				x[r*28+c] = 0
			} else {
				x[r*28+c] = float32(img[sr*28+sc]) * (1.0 / 255)
			}
		}
	}
}
