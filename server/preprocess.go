package server

import (
	"errors"
	"image"
	"image/color"
	"math"
)

// The classic MNIST preprocessing (LeCun et al.): the digit's bounding box is scaled so
// its longest side is 20 px, keeping the aspect ratio, and pasted into a 28×28 field so
// that its centre of mass is at the centre.
const (
	// boxSide is the longest side of the scaled digit.
	boxSide = 20
	// inkThreshold is the normalised ink level above which a pixel belongs to the digit's
	// bounding box; below it is paper texture, JPEG ringing or noise.
	inkThreshold = 0.2
	// minContrast is the smallest ink-to-paper difference (in [0,1]) accepted as a digit.
	minContrast = 0.1
)

// ErrNoInk is returned for images with no visible digit (blank or nearly uniform).
var ErrNoInk = errors.New("image has no visible digit (it is blank or has almost no contrast)")

// Preprocess converts an image of any size into a model input: Pixels values in [0,1],
// ink bright on dark, the MNIST way. Steps: grayscale (transparent pixels count as white
// paper), invert if the paper is light (judged from the border pixels), stretch contrast
// between paper and the darkest ink, crop to the ink's bounding box, scale its longest
// side to 20 px keeping the aspect ratio, and paste it into 28×28 with its centre of mass
// at the centre.
func Preprocess(img image.Image) ([]float32, error) {
	ink, w, h := inkLevels(img)
	if w == 0 || h == 0 {
		return nil, ErrNoInk
	}
	box, ok := inkBox(ink, w, h)
	if !ok {
		return nil, ErrNoInk
	}
	return centre(scaleBox(ink, w, box)), nil
}

// inkLevels returns the image as ink levels in [0,1] (1 = darkest ink relative to the
// paper), row-major, with its width and height.
func inkLevels(img image.Image) ([]float32, int, int) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return nil, 0, 0
	}
	g := make([]float32, w*h)
	grayInto(g, img)
	paper := borderMedian(g, w, h)
	invert := paper > 0.5 // light paper, dark ink: the usual photo or scan
	var paperInk, maxInk float32
	if invert {
		paperInk = 1 - paper
	} else {
		paperInk = paper
	}
	maxInk = paperInk
	for i, v := range g {
		if invert {
			v = 1 - v
		}
		g[i] = v
		if v > maxInk {
			maxInk = v
		}
	}
	span := maxInk - paperInk
	if span < minContrast {
		return g, w, 0 // uniform: no digit
	}
	scale := 1 / span
	for i, v := range g {
		v = (v - paperInk) * scale
		if v < 0 {
			v = 0
		}
		g[i] = v
	}
	return g, w, h
}

// grayInto writes the luminance of img, in [0,1], into g. Alpha is composited over
// white paper. Common image types take a fast path that avoids the color.Color interface.
func grayInto(g []float32, img image.Image) {
	b := img.Bounds()
	w := b.Dx()
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			for x, p := range row {
				g[y*w+x] = float32(p) / 255
			}
		}
		return
	case *image.YCbCr: // JPEG: luma is the Y plane
		for y := 0; y < b.Dy(); y++ {
			row := m.Y[y*m.YStride : y*m.YStride+w]
			for x, p := range row {
				g[y*w+x] = float32(p) / 255
			}
		}
		return
	case *image.NRGBA:
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4]
				lum := (299*float32(p[0]) + 587*float32(p[1]) + 114*float32(p[2])) / (1000 * 255)
				a := float32(p[3]) / 255
				g[y*w+x] = lum*a + (1 - a)
			}
		}
		return
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, gr, bl, a := img.At(x, y).RGBA() // premultiplied, 16-bit
			lum := (299*float32(r) + 587*float32(gr) + 114*float32(bl)) / (1000 * 0xffff)
			g[(y-b.Min.Y)*w+(x-b.Min.X)] = lum + (1 - float32(a)/0xffff)
		}
	}
}

// borderMedian estimates the paper level as the median of the outermost pixels: a digit
// rarely touches every edge, so the border is mostly paper.
func borderMedian(g []float32, w, h int) float32 {
	var hist [256]int
	n := 0
	add := func(v float32) {
		i := int(v*255 + 0.5)
		hist[min(max(i, 0), 255)]++
		n++
	}
	for x := 0; x < w; x++ {
		add(g[x])
		if h > 1 {
			add(g[(h-1)*w+x])
		}
	}
	for y := 1; y < h-1; y++ {
		add(g[y*w])
		if w > 1 {
			add(g[y*w+w-1])
		}
	}
	half, seen := (n+1)/2, 0
	for i, c := range hist {
		seen += c
		if seen >= half {
			return float32(i) / 255
		}
	}
	return 1
}

// inkBox returns the bounding box of pixels above inkThreshold.
func inkBox(ink []float32, w, h int) (image.Rectangle, bool) {
	x0, y0, x1, y1 := w, h, -1, -1
	for y := 0; y < h; y++ {
		row := ink[y*w : (y+1)*w]
		for x, v := range row {
			if v > inkThreshold {
				x0, x1 = min(x0, x), max(x1, x)
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return image.Rectangle{}, false
	}
	return image.Rect(x0, y0, x1+1, y1+1), true
}

// scaleBox scales the box of ink so its longest side is boxSide, keeping the aspect
// ratio (the short side is at least 1 px). It returns the scaled digit and its size.
func scaleBox(ink []float32, w int, box image.Rectangle) ([]float32, int, int) {
	bw, bh := box.Dx(), box.Dy()
	dw, dh := boxSide, boxSide
	if bw > bh {
		dh = max(1, int(math.Round(float64(boxSide*bh)/float64(bw))))
	} else {
		dw = max(1, int(math.Round(float64(boxSide*bw)/float64(bh))))
	}
	// Separable resampling: rows first (bh rows of dw), then columns.
	tmp := make([]float32, bh*dw)
	xw := tentWeights(bw, dw)
	for y := 0; y < bh; y++ {
		row := ink[(box.Min.Y+y)*w+box.Min.X : (box.Min.Y+y)*w+box.Max.X]
		out := tmp[y*dw : (y+1)*dw]
		for x, t := range xw {
			var v float32
			for k, wt := range t.w {
				v += wt * row[t.first+k]
			}
			out[x] = v
		}
	}
	dst := make([]float32, dw*dh)
	for y, t := range tentWeights(bh, dh) {
		out := dst[y*dw : (y+1)*dw]
		for k, wt := range t.w {
			src := tmp[(t.first+k)*dw : (t.first+k+1)*dw]
			for x, v := range src {
				out[x] += wt * v
			}
		}
	}
	for i, v := range dst {
		dst[i] = min(max(v, 0), 1)
	}
	return dst, dw, dh
}

// taps are the source samples and weights of one output sample.
type taps struct {
	first int
	w     []float32
}

// tentWeights computes, for resampling n samples to m, each output's source weights
// under a tent (linear) filter. When shrinking, the tent widens to the shrink factor, so
// every source pixel contributes (area-like averaging): thin strokes of a large photo
// turn gray instead of vanishing between samples, as in the original MNIST anti-aliasing.
func tentWeights(n, m int) []taps {
	scale := float64(n) / float64(m)
	radius := max(1, scale)
	out := make([]taps, m)
	for j := range out {
		c := (float64(j)+0.5)*scale - 0.5
		lo := max(0, int(math.Ceil(c-radius)))
		hi := min(n-1, int(math.Floor(c+radius)))
		if hi < lo { // only when radius < 1/2 away from any sample: take the nearest
			lo = min(max(int(math.Round(c)), 0), n-1)
			hi = lo
		}
		w := make([]float32, hi-lo+1)
		var sum float32
		for i := lo; i <= hi; i++ {
			wt := float32(max(0, 1-math.Abs(float64(i)-c)/radius))
			w[i-lo] = wt
			sum += wt
		}
		if sum == 0 {
			for i := range w {
				w[i] = 1
			}
			sum = float32(len(w))
		}
		for i := range w {
			w[i] /= sum
		}
		out[j] = taps{first: lo, w: w}
	}
	return out
}

// centre pastes the scaled digit (dw×dh) into a 28×28 field so that its centre of mass
// lands on the field's centre; pixels shifted past an edge are dropped, as in MNIST.
func centre(d []float32, dw, dh int) []float32 {
	var sum, sx, sy float64
	for y := 0; y < dh; y++ {
		for x, v := range d[y*dw : (y+1)*dw] {
			sum += float64(v)
			sx += float64(v) * (float64(x) + 0.5)
			sy += float64(v) * (float64(y) + 0.5)
		}
	}
	cx, cy := float64(dw)/2, float64(dh)/2
	if sum > 0 {
		cx, cy = sx/sum, sy/sum
	}
	ox := int(math.Round(side/2 - cx))
	oy := int(math.Round(side/2 - cy))
	out := make([]float32, Pixels)
	for y := 0; y < dh; y++ {
		ty := y + oy
		if ty < 0 || ty >= side {
			continue
		}
		for x, v := range d[y*dw : (y+1)*dw] {
			if tx := x + ox; tx >= 0 && tx < side {
				out[ty*side+tx] = v
			}
		}
	}
	return out
}

// ToImage renders model input pixels (ink bright on dark) as a grayscale image with dark
// ink on white paper, the way a person would photograph or draw a digit; SelfTest and the
// demo send such images.
func ToImage(pixels []float32) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := 0; i < Pixels && i < len(pixels); i++ {
		v := min(max(pixels[i], 0), 1)
		img.SetGray(i%side, i/side, color.Gray{Y: uint8(255 - v*255 + 0.5)})
	}
	return img
}
