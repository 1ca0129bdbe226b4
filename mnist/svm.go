package mnist

import (
	"fmt"
	"math"
)

// SVM is a multi-class support vector machine with an RBF kernel
// K(x, s) = exp(-Gamma·‖x−s‖²), built one-vs-one like scikit-learn's SVC: one binary
// classifier per pair of digits, each voting for one of its two digits.
//
// Its inference cost is a kernel evaluation against every support vector (a dense
// 784-value dot product each, typically thousands), which makes it the CPU-bound
// workload of deploybench; wrap it in Heavy to make it heavier still.
type SVM struct {
	Gamma float32
	// Deskew says the model was trained on deskewed images (see Deskew), so Predict
	// deskews its input too.
	Deskew bool
	// SV holds the support vectors as pixel bytes, len(SV) = nSV*Pixels.
	SV []byte
	// Pairs holds the binary classifiers in order (0,1), (0,2) … (8,9).
	Pairs []SVMPair

	sv     []float32 // SV scaled to [0,1]
	svNorm []float32 // ‖sv_i‖²
}

// SVMPair is the binary classifier of digits A (positive) and B (negative):
// f(x) = Σ Coef[k]·K(x, SV[Index[k]]) − Rho; f > 0 votes for A.
type SVMPair struct {
	A, B  uint8
	Index []uint32
	Coef  []float32
	Rho   float32
}

// Kind implements Model.
func (m *SVM) Kind() string { return "svm" }

// NumSV is the number of distinct support vectors, which inference cost grows with.
func (m *SVM) NumSV() int { return len(m.SV) / Pixels }

// prepare builds the float form of the support vectors and checks indices.
func (m *SVM) prepare() error {
	n := m.NumSV()
	if len(m.SV) != n*Pixels {
		return fmt.Errorf("svm: %d support-vector bytes is not a multiple of %d", len(m.SV), Pixels)
	}
	if want := Classes * (Classes - 1) / 2; len(m.Pairs) != want {
		return fmt.Errorf("svm: %d class pairs, want %d", len(m.Pairs), want)
	}
	if !(m.Gamma > 0) || math.IsInf(float64(m.Gamma), 0) {
		return fmt.Errorf("svm: gamma %v must be positive", m.Gamma)
	}
	for _, p := range m.Pairs {
		if p.A >= Classes || p.B >= Classes || p.A == p.B || len(p.Index) != len(p.Coef) {
			return fmt.Errorf("svm: malformed pair %d vs %d", p.A, p.B)
		}
		for _, i := range p.Index {
			if int(i) >= n {
				return fmt.Errorf("svm: pair %d vs %d uses support vector %d of %d", p.A, p.B, i, n)
			}
		}
	}
	m.sv = make([]float32, len(m.SV))
	ToFloat(m.sv, m.SV)
	m.svNorm = make([]float32, n)
	for i := range m.svNorm {
		v := m.sv[i*Pixels : (i+1)*Pixels]
		m.svNorm[i] = dot(v, v)
	}
	return nil
}

// Predict implements Model: the probabilities are a softmax over each digit's votes plus
// a bounded tie-breaking confidence (the summed decision values squashed into (−⅓, ⅓),
// so that it never outweighs a vote), the transformation scikit-learn applies to its
// one-vs-one decision function.
func (m *SVM) Predict(x []float32) []float32 {
	if m.Deskew {
		d := make([]float32, Pixels)
		Deskew(d, x)
		x = d
	}
	k := make([]float32, m.NumSV())
	xn := dot(x, x)
	for i := range k {
		d := xn + m.svNorm[i] - 2*dot(x, m.sv[i*Pixels:(i+1)*Pixels])
		k[i] = float32(math.Exp(float64(-m.Gamma * max(d, 0))))
	}
	var votes, conf [Classes]float64
	for _, p := range m.Pairs {
		f := -float64(p.Rho)
		for j, idx := range p.Index {
			f += float64(p.Coef[j] * k[idx])
		}
		if f > 0 {
			votes[p.A]++
		} else {
			votes[p.B]++
		}
		conf[p.A] += f
		conf[p.B] -= f
	}
	score := make([]float64, Classes)
	for c := range score {
		score[c] = votes[c] + conf[c]/(3*(math.Abs(conf[c])+1))
	}
	return softmax(score)
}

// softmax turns scores into probabilities summing to 1.
func softmax(s []float64) []float32 {
	mx := s[0]
	for _, v := range s {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range s {
		s[i] = math.Exp(v - mx)
		sum += s[i]
	}
	p := make([]float32, len(s))
	for i, v := range s {
		p[i] = float32(v / sum)
	}
	return p
}

// dot is the inner product of two equally long vectors, unrolled by four because it is
// the inner loop of SVM inference.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
