package mnist

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestTrainMLPDeterministic(t *testing.T) {
	s, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	train := s.Train.Subset(600)
	cfg := MLPConfig{Hidden: 16, Epochs: 2, Seed: 7}
	var steps []Progress
	cfg.Progress = func(p Progress) { steps = append(steps, p) }
	a, err := TrainMLP(context.Background(), train, s.Test.Subset(100), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Progress = nil
	b, _ := TrainMLP(context.Background(), train, nil, cfg)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different weights")
	}
	cfg.Seed = 8
	c, _ := TrainMLP(context.Background(), train, nil, cfg)
	if reflect.DeepEqual(a.W1, c.W1) {
		t.Error("different seeds, same weights")
	}
	if len(steps) != 2 || steps[1].Step != 2 || steps[1].Steps != 2 || steps[1].Phase != "epoch" || steps[1].Accuracy < 0 || steps[1].Accuracy > 1 {
		t.Errorf("progress %+v", steps)
	}
}

func TestTrainSVMDeterministic(t *testing.T) {
	s, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	train := s.Train.Subset(500)
	var pairs int
	a, err := TrainSVM(context.Background(), train, nil, SVMConfig{Workers: 1, Progress: func(p Progress) { pairs = p.Step }})
	if err != nil {
		t.Fatal(err)
	}
	// Parallel pairs and a cache too small to hold a pair's rows give the same model.
	b, err := TrainSVM(context.Background(), train, nil, SVMConfig{Workers: 3, CacheMB: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("SVM training is not deterministic")
	}
	if pairs != 45 {
		t.Errorf("progress reached pair %d of 45", pairs)
	}
	acc, _ := Accuracy(context.Background(), a, s.Test.Subset(200))
	if acc < 0.85 { // 500 training images; the full split reaches ≥ 0.97
		t.Errorf("accuracy %.3f with 500 training images", acc)
	}
}

func TestTrainErrors(t *testing.T) {
	s, _ := Embedded()
	tests := []struct {
		name string
		opts TrainOptions
		want string
	}{
		{"kind", TrainOptions{Kind: "cnn"}, `unknown model kind "cnn"`},
		{"hidden", TrainOptions{Kind: "mlp", MLP: MLPConfig{Hidden: -1}}, "hidden -1"},
		{"epochs", TrainOptions{Kind: "mlp", MLP: MLPConfig{Epochs: -3}}, "epochs -3"},
		{"lr", TrainOptions{Kind: "mlp", MLP: MLPConfig{LearnRate: 2}}, "learning rate 2"},
		{"C", TrainOptions{Kind: "svm", SVM: SVMConfig{C: -1}}, "C -1"},
		{"gamma", TrainOptions{Kind: "svm", SVM: SVMConfig{Gamma: math.Inf(1)}}, "gamma +Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Train(context.Background(), s, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrConfig) {
				t.Errorf("err = %v, want ErrConfig with %q", err, tt.want)
			}
		})
	}
	one := &Split{Train: s.Train.Subset(5), Test: s.Test.Subset(5)} // digits 0–4 only
	if _, _, err := Train(context.Background(), one, TrainOptions{Kind: "svm"}); err == nil || !strings.Contains(err.Error(), "no image of digit 5") {
		t.Errorf("missing digit: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, kind := range Kinds {
		if _, _, err := Train(ctx, s, TrainOptions{Kind: kind}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with cancelled context: err = %v", kind, err)
		}
	}
}

func TestTrainInfo(t *testing.T) {
	s, _ := Embedded()
	split := &Split{Train: s.Train.Subset(300), Test: s.Test.Subset(50)}
	m, info, err := Train(context.Background(), split, TrainOptions{Kind: "mlp", Seed: 5, Data: "here", MLP: MLPConfig{Hidden: 8, Epochs: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind() != "mlp" || info.Kind != "mlp" || info.Name != "mlp" || info.Version != "1" || info.Seed != 5 ||
		info.TrainSize != 300 || info.TestSize != 50 || info.Data != "here" || info.Params["hidden"] != "8" || info.Created.IsZero() {
		t.Errorf("info %+v", info)
	}
}

func TestDeskew(t *testing.T) {
	// A stroke slanting one column right every four rows, off-centre.
	src := make([]float32, Pixels)
	for r := 4; r < 24; r++ {
		src[r*28+4+r/4] = 1
	}
	dst := make([]float32, Pixels)
	Deskew(dst, src)
	// After deskewing, the ink's column must not depend on the row, and its centre of
	// mass sits in the middle of the frame.
	var mass, mc, cov float64
	for r := range 28 {
		for c := range 28 {
			v := float64(dst[r*28+c])
			mass += v
			mc += v * float64(c)
			cov += v * (float64(r) - 13.5) * float64(c)
		}
	}
	mc /= mass
	if math.Abs(mc-13.5) > 0.3 || math.Abs(cov/mass) > 0.3 {
		t.Errorf("centre column %.2f, row/column covariance %.2f", mc, cov/mass)
	}
	blank := make([]float32, Pixels)
	Deskew(dst, blank)
	for _, v := range dst {
		if v != 0 {
			t.Fatal("blank image not blank")
		}
	}
}

// counting counts Predict calls.
type counting struct{ n int }

func (c *counting) Kind() string { return "count" }
func (c *counting) Predict([]float32) []float32 {
	c.n++
	return make([]float32, Classes)
}

func TestHeavy(t *testing.T) {
	c := &counting{}
	if Heavy(c, 1) != Model(c) {
		t.Error("factor 1 wraps")
	}
	h := Heavy(c, 5)
	h.Predict(nil)
	if c.n != 5 || h.Kind() != "count" {
		t.Errorf("%d calls, kind %s", c.n, h.Kind())
	}
}

func TestPredictProbabilities(t *testing.T) {
	s, _ := Embedded()
	for _, kind := range Kinds {
		m, _, err := Builtin(kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range [][]float32{s.Test.Image(0), make([]float32, Pixels)} {
			p := m.Predict(x)
			var sum float64
			for _, v := range p {
				sum += float64(v)
			}
			if len(p) != Classes || math.Abs(sum-1) > 1e-4 {
				t.Errorf("%s: probabilities %v sum to %v", kind, p, sum)
			}
		}
	}
}
