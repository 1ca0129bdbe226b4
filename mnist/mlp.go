package mnist

import (
	"fmt"
	"math"
)

// MLP is a multilayer perceptron Pixels → Hidden (ReLU) → Classes (softmax): the fast
// model, a few tens of microseconds per image on one core.
//
// The first layer is stored input-major (W1[p*Hidden+j] connects pixel p to hidden unit
// j) so that inference adds one weight row per inked pixel and skips the ~80% of
// background pixels that contribute nothing.
type MLP struct {
	Hidden int
	W1     []float32 // Pixels×Hidden
	B1     []float32 // Hidden
	W2     []float32 // Hidden×Classes
	B2     []float32 // Classes
	// Deskew says the model was trained on deskewed images (see Deskew), so Predict
	// deskews its input too.
	Deskew bool
}

// Kind implements Model.
func (m *MLP) Kind() string { return "mlp" }

func (m *MLP) check() error {
	h := m.Hidden
	if h <= 0 || h > 1<<16 || len(m.W1) != Pixels*h || len(m.B1) != h || len(m.W2) != h*Classes || len(m.B2) != Classes {
		return fmt.Errorf("mlp: weight shapes do not match %d hidden units", h)
	}
	for _, w := range [][]float32{m.W1, m.B1, m.W2, m.B2} {
		for _, v := range w {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("mlp: weights hold %v", v)
			}
		}
	}
	return nil
}

// Predict implements Model.
func (m *MLP) Predict(x []float32) []float32 {
	if m.Deskew {
		d := make([]float32, Pixels)
		Deskew(d, x)
		x = d
	}
	h := make([]float32, m.Hidden)
	m.hidden(h, x)
	s := make([]float64, Classes)
	m.output(s, h)
	return softmax(s)
}

// hidden computes the ReLU activations of the hidden layer for input x.
func (m *MLP) hidden(h, x []float32) {
	copy(h, m.B1)
	for p, v := range x[:Pixels] {
		if v != 0 {
			axpy(h, m.W1[p*m.Hidden:(p+1)*m.Hidden], v)
		}
	}
	for j, v := range h {
		h[j] = max(v, 0)
	}
}

// output computes the pre-softmax scores from hidden activations h.
func (m *MLP) output(s []float64, h []float32) {
	var o [Classes]float32
	copy(o[:], m.B2)
	for j, v := range h {
		if v != 0 {
			w := m.W2[j*Classes : (j+1)*Classes : (j+1)*Classes]
			for k := range o {
				o[k] += v * w[k]
			}
		}
	}
	for k, v := range o {
		s[k] = float64(v)
	}
}

// axpy adds a·x to y, unrolled by four for the inner loop of inference and training.
func axpy(y, x []float32, a float32) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}
