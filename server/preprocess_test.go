package server

import (
	"bytes"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"testing"
)

func TestPreprocessRecognisesGlyphsInAnyPresentation(t *testing.T) {
	m := newFakeModel(t)
	tests := []struct {
		name                 string
		w, h, ox, oy, gw, gh int
		ink, paper           uint8
		encode               string
	}{
		{"mnist size dark on white", 28, 28, 4, 4, 20, 20, 0, 255, "png"},
		{"large photo, off centre", 640, 480, 400, 50, 160, 200, 20, 235, "png"},
		{"light ink on dark", 300, 300, 20, 30, 120, 150, 250, 10, "png"},
		{"tiny glyph", 60, 40, 3, 5, 9, 12, 0, 255, "png"},
		{"low contrast", 200, 200, 50, 50, 100, 100, 100, 160, "png"},
		{"jpeg", 256, 256, 60, 40, 120, 160, 0, 255, "jpeg"},
		{"gif", 100, 120, 10, 10, 60, 80, 0, 255, "gif"},
		{"wide canvas", 1000, 100, 700, 10, 80, 80, 0, 255, "png"},
	}
	for _, tt := range tests {
		for glyph, class := range classes {
			t.Run(tt.name+"/"+glyph, func(t *testing.T) {
				img := render(glyph, tt.w, tt.h, tt.ox, tt.oy, tt.gw, tt.gh, tt.ink, tt.paper)
				var buf bytes.Buffer
				switch tt.encode {
				case "png":
					_ = png.Encode(&buf, img)
				case "jpeg":
					_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
				case "gif":
					_ = gif.Encode(&buf, img, nil)
				}
				x, err := DecodeImage(buf.Bytes(), 0)
				if err != nil {
					t.Fatal(err)
				}
				checkMNISTStyle(t, x)
				if got := argmax(m.Predict(x)); got != class {
					t.Errorf("classified as %d, want %d", got, class)
				}
			})
		}
	}
}

// checkMNISTStyle asserts the properties of the classic preprocessing: 784 values in
// [0,1], the ink's longest side about 20 px, its centre of mass at the centre.
func checkMNISTStyle(t *testing.T, x []float32) {
	t.Helper()
	if len(x) != Pixels {
		t.Fatalf("%d pixels, want %d", len(x), Pixels)
	}
	var sum, sx, sy float64
	x0, y0, x1, y1 := side, side, -1, -1
	for i, v := range x {
		if v < 0 || v > 1 || math.IsNaN(float64(v)) {
			t.Fatalf("pixel %d = %v outside [0,1]", i, v)
		}
		px, py := i%side, i/side
		sum += float64(v)
		sx += float64(v) * (float64(px) + 0.5)
		sy += float64(v) * (float64(py) + 0.5)
		if v > 0.1 {
			x0, x1 = min(x0, px), max(x1, px)
			y0, y1 = min(y0, py), max(y1, py)
		}
	}
	if cx, cy := sx/sum, sy/sum; math.Abs(cx-14) > 0.75 || math.Abs(cy-14) > 0.75 {
		t.Errorf("centre of mass (%.2f, %.2f), want (14, 14)", cx, cy)
	}
	if long := max(x1-x0+1, y1-y0+1); long < 18 || long > 23 {
		t.Errorf("ink box %d×%d, want longest side ≈ 20", x1-x0+1, y1-y0+1)
	}
}

func TestPreprocessInvertsLightPaper(t *testing.T) {
	dark := render("ring", 100, 100, 10, 10, 80, 80, 0, 255)
	light := render("ring", 100, 100, 10, 10, 80, 80, 255, 0)
	a, err := Preprocess(dark)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Preprocess(light)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 0.02 {
			t.Fatalf("pixel %d: %v (dark ink) vs %v (light ink)", i, a[i], b[i])
		}
	}
}

func TestPreprocessTransparentBackground(t *testing.T) {
	// Dark ink on a transparent canvas, as drawing apps export: alpha counts as paper.
	img := image.NewNRGBA(image.Rect(0, 0, 80, 80))
	g := render("bar", 80, 80, 10, 10, 60, 60, 0, 255)
	for i, v := range g.Pix {
		if v == 0 {
			img.Pix[4*i+3] = 255
		}
	}
	x, err := Preprocess(img)
	if err != nil {
		t.Fatal(err)
	}
	if got := argmax(newFakeModel(t).Predict(x)); got != 1 {
		t.Errorf("classified as %d, want 1", got)
	}
}

func TestPreprocessRejectsBlankImages(t *testing.T) {
	for _, img := range []image.Image{
		image.NewGray(image.Rect(0, 0, 50, 50)),
		render("ring", 50, 50, 5, 5, 40, 40, 128, 130), // contrast below minContrast
		image.NewGray(image.Rect(0, 0, 0, 0)),
	} {
		if _, err := Preprocess(img); !errors.Is(err, ErrNoInk) {
			t.Errorf("err = %v, want ErrNoInk", err)
		}
	}
}

func TestToImageRoundTrip(t *testing.T) {
	x, err := Preprocess(render("seven", 28, 28, 4, 4, 20, 20, 0, 255))
	if err != nil {
		t.Fatal(err)
	}
	y, err := DecodeImage(pngBytes(t, ToImage(x)), 0)
	if err != nil {
		t.Fatal(err)
	}
	var diff float64
	for i := range x {
		diff += math.Abs(float64(x[i] - y[i]))
	}
	if diff/Pixels > 0.05 {
		t.Errorf("mean absolute difference %.3f after a round trip", diff/Pixels)
	}
}
