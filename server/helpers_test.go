package server

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"net"
	"net/http"
	"testing"
	"time"
)

// shape draws a test glyph into a w×h canvas: ink where the function returns true for
// coordinates normalised to the glyph box [0,1]².
type shape func(u, v float64) bool

// The fake model recognises these three glyphs; they stand in for digits until a real
// model is wired in (the command tests use the real one).
var shapes = map[string]shape{
	"ring": func(u, v float64) bool {
		r := math.Hypot((u-0.5)/0.5, (v-0.5)/0.5)
		return r > 0.7 && r < 1
	},
	"bar": func(u, v float64) bool { return u > 0.35 && u < 0.65 },
	"seven": func(u, v float64) bool {
		return v < 0.18 || math.Abs((1-v)*0.6+0.2-u) < 0.12
	},
}

// classes maps glyph names to the fake model's class index.
var classes = map[string]int{"ring": 0, "bar": 1, "seven": 7}

// render draws glyph into a w×h image: the glyph box is gw×gh at (ox, oy); ink and paper
// are gray levels.
func render(glyph string, w, h, ox, oy, gw, gh int, ink, paper uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = paper
	}
	f := shapes[glyph]
	for y := 0; y < gh; y++ {
		for x := 0; x < gw; x++ {
			if f((float64(x)+0.5)/float64(gw), (float64(y)+0.5)/float64(gh)) {
				img.SetGray(ox+x, oy+y, color.Gray{Y: ink})
			}
		}
	}
	return img
}

// fakeModel classifies by the nearest template; it is safe for concurrent use.
type fakeModel struct{ templates map[int][]float32 }

func newFakeModel(t testing.TB) *fakeModel {
	m := &fakeModel{templates: map[int][]float32{}}
	for name, class := range classes {
		x, err := Preprocess(render(name, 28, 28, 4, 4, 20, 20, 0, 255))
		if err != nil {
			t.Fatalf("template %s: %v", name, err)
		}
		m.templates[class] = x
	}
	return m
}

func (m *fakeModel) Kind() string { return "fake" }

func (m *fakeModel) Predict(x []float32) []float32 {
	p := make([]float32, 10)
	var sum float64
	for c := range p {
		t, ok := m.templates[c]
		if !ok {
			continue
		}
		var d float64
		for i := range x {
			e := float64(x[i] - t[i])
			d += e * e
		}
		p[c] = float32(math.Exp(-d / 20))
		sum += float64(p[c])
	}
	for c := range p {
		if sum > 0 {
			p[c] /= float32(sum)
		} else {
			p[c] = 0.1
		}
	}
	return p
}

// gateModel blocks every Predict until release is closed, and reports entries.
type gateModel struct {
	entered chan struct{}
	release chan struct{}
}

func (m *gateModel) Kind() string { return "gate" }

func (m *gateModel) Predict([]float32) []float32 {
	m.entered <- struct{}{}
	<-m.release
	p := make([]float32, 10)
	p[3] = 1
	return p
}

func pngBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testServer is a Server running on a real 127.0.0.1 listener.
type testServer struct {
	*Server
	url    string
	cancel context.CancelFunc
	done   chan error
}

// startServer runs a server with cfg on 127.0.0.1 and stops it when the test ends.
func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.Loader == nil {
		m := newFakeModel(t)
		cfg.Loader = func(context.Context) (Model, ModelInfo, error) {
			return m, ModelInfo{Name: "fake", Version: "v1"}, nil
		}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Server: s, url: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- s.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-ts.done:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop")
		}
	})
	return ts
}

// waitReady blocks until the model has loaded.
func (ts *testServer) waitReady(t *testing.T) {
	t.Helper()
	select {
	case <-ts.Ready():
	case err := <-ts.done:
		t.Fatalf("server stopped before ready: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("model did not load")
	}
}

// stop cancels the server and returns Run's result.
func (ts *testServer) stop(t *testing.T) error {
	t.Helper()
	ts.cancel()
	select {
	case err := <-ts.done:
		ts.done <- err // for Cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop")
		return errors.New("timeout")
	}
}

var testClient = &http.Client{Timeout: 30 * time.Second}
