package mnist

import "testing"

// benchPredict measures single-image inference of a built-in model on one goroutine,
// cycling through test images so that the input sparsity is realistic.
func benchPredict(b *testing.B, kind string) {
	m, _, err := Builtin(kind)
	if err != nil {
		b.Fatal(err)
	}
	s, _ := Embedded()
	xs := make([][]float32, 64)
	for i := range xs {
		xs[i] = s.Test.Image(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Predict(xs[i%len(xs)])
	}
}

func BenchmarkPredictMLP(b *testing.B) { benchPredict(b, "mlp") }
func BenchmarkPredictSVM(b *testing.B) { benchPredict(b, "svm") }

func BenchmarkDeskew(b *testing.B) {
	s, _ := Embedded()
	x, y := s.Test.Image(0), make([]float32, Pixels)
	for b.Loop() {
		Deskew(y, x)
	}
}
