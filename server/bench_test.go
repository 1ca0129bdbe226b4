package server

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// constModel answers instantly, so HTTP benchmarks measure the server, not a model.
type constModel struct{}

func (constModel) Kind() string { return "const" }

func (constModel) Predict([]float32) []float32 {
	return []float32{0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.91, 0.01, 0.01}
}

func BenchmarkPreprocessPNG(b *testing.B) {
	cases := []struct {
		name string
		body []byte
	}{
		{"28x28", pngBytes(b, ToImage(mustPreprocess(b, render("seven", 28, 28, 4, 4, 20, 20, 0, 255))))},
		{"640x480", pngBytes(b, render("seven", 640, 480, 200, 100, 200, 260, 20, 235))},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if _, err := DecodeImage(c.body, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPreprocessJPEG640x480(b *testing.B) {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, render("ring", 640, 480, 200, 100, 240, 260, 20, 235), nil)
	for b.Loop() {
		if _, err := DecodeImage(buf.Bytes(), 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeJSONPixels(b *testing.B) {
	x := mustPreprocess(b, render("seven", 28, 28, 4, 4, 20, 20, 0, 255))
	floats, _ := json.Marshal(map[string][]float32{"pixels": x})
	ints := make([]int, len(x))
	for i, v := range x {
		ints[i] = int(v * 255)
	}
	bytes255, _ := json.Marshal(map[string][]int{"pixels": ints})
	for _, c := range []struct {
		name string
		body []byte
	}{{"floats0-1", floats}, {"ints0-255", bytes255}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if _, _, err := decodeJSONPixels(c.body, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func mustPreprocess(tb testing.TB, img image.Image) []float32 {
	tb.Helper()
	x, err := Preprocess(img)
	if err != nil {
		tb.Fatal(err)
	}
	return x
}

// BenchmarkPredictHTTP measures /predict end to end through a real loopback listener
// (client included) with an instant model: the cost the server adds to every inference.
func BenchmarkPredictHTTP(b *testing.B) {
	s, err := New(Config{Loader: func(context.Context) (Model, ModelInfo, error) {
		return constModel{}, ModelInfo{Name: "const", Version: "1"}, nil
	}})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.LoadModel(context.Background()); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	x := mustPreprocess(b, render("seven", 28, 28, 4, 4, 20, 20, 0, 255))
	pix, _ := json.Marshal(map[string][]float32{"pixels": x})
	bodies := []struct {
		name, ct string
		body     []byte
	}{
		{"png28", "image/png", pngBytes(b, ToImage(x))},
		{"json", "application/json", pix},
	}
	client := ts.Client()
	for _, c := range bodies {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := client.Post(ts.URL+"/predict", c.ct, bytes.NewReader(c.body))
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
		b.Run(c.name+"-parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Post(ts.URL+"/predict", c.ct, bytes.NewReader(c.body))
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		})
	}
}

// BenchmarkTrivialHTTP is BenchmarkPredictHTTP's baseline: the same client and body
// against a handler that only reads the body and answers a constant, so the difference
// is what /predict adds (decoding, preprocessing, metrics, answer) besides the model.
func BenchmarkTrivialHTTP(b *testing.B) {
	answer := []byte(`{"digit":0}` + "\n")
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	defer ts.Close()
	x := mustPreprocess(b, render("seven", 28, 28, 4, 4, 20, 20, 0, 255))
	body, _ := json.Marshal(map[string][]float32{"pixels": x})
	client := ts.Client()
	for b.Loop() {
		resp, err := client.Post(ts.URL+"/predict", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
