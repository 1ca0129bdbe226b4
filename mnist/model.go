package mnist

// Pixels is the number of inputs of every model: a 28×28 grayscale image, row-major,
// each value in [0,1] with ink bright (1) on a dark (0) background, as in MNIST.
const Pixels = 28 * 28

// Classes is the number of outputs: the digits 0–9.
const Classes = 10

// Model classifies one MNIST-style image. Implementations are safe for concurrent use
// once trained or loaded.
type Model interface {
	// Kind is the model family, e.g. "mlp" or "svm".
	Kind() string
	// Predict returns the class probabilities (summing to 1) of x, which has Pixels values.
	Predict(x []float32) []float32
}
