package server

import "context"

// Pixels is the number of inputs a model takes: a 28×28 grayscale image, row-major,
// values in [0,1], ink bright on a dark background (MNIST style).
const Pixels = 28 * 28

// side is the width and height of a model input image.
const side = 28

// Model is what the server needs from a classifier. The mnist package's models satisfy
// it; it is declared here, where it is used, so the server can be tested with fakes.
type Model interface {
	// Kind is the model family, e.g. "mlp".
	Kind() string
	// Predict returns class probabilities for Pixels inputs; it must be safe for
	// concurrent use.
	Predict(x []float32) []float32
}

// ModelInfo describes the loaded model in answers, /healthz and /metrics.
type ModelInfo struct {
	// Kind is the model family, e.g. "mlp" or "svm".
	Kind string `json:"kind"`
	// Name identifies the model, e.g. "builtin:mlp" or a file name.
	Name string `json:"name"`
	// Version is the model's version string (e.g. its checksum or training seed).
	Version string `json:"version"`
	// Accuracy is the test accuracy recorded with the model; 0 if unknown.
	Accuracy float64 `json:"accuracy,omitempty"`
}

// Loader loads the model. The server calls it once, asynchronously, after its listener
// is up, so that /healthz can answer 503 while a cold start is under way.
type Loader func(ctx context.Context) (Model, ModelInfo, error)
