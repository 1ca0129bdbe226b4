package mnist

import "math"

// Deskew writes into dst (Pixels values) the image src straightened and centred: src is
// sheared horizontally so that its ink's row/column covariance becomes zero (a slanted
// "1" becomes upright) and shifted so that its centre of mass lands in the middle of the
// 28×28 frame, with bilinear sampling. Handwriting slant is variation a classifier
// otherwise has to learn from examples; removing it first is a classic MNIST
// preprocessing step that cuts kernel-SVM errors markedly. A blank image is copied.
func Deskew(dst, src []float32) {
	const side = 28
	var mass, mr, mc float64
	for r := range side {
		for c := range side {
			v := float64(src[r*side+c])
			mass += v
			mr += v * float64(r)
			mc += v * float64(c)
		}
	}
	if mass <= 0 {
		copy(dst, src)
		return
	}
	mr /= mass
	mc /= mass
	var vr, crc float64
	for r := range side {
		for c := range side {
			v := float64(src[r*side+c])
			vr += v * (float64(r) - mr) * (float64(r) - mr)
			crc += v * (float64(r) - mr) * (float64(c) - mc)
		}
	}
	alpha := 0.0
	if vr > 0 {
		alpha = crc / vr
	}
	const center = (side - 1) / 2.0
	for r := range side {
		sr := float64(r) - center + mr
		r0 := math.Floor(sr)
		fr := float32(sr - r0)
		for c := range side {
			sc := alpha*(float64(r)-center) + float64(c) - center + mc
			c0 := math.Floor(sc)
			fc := float32(sc - c0)
			ir, ic := int(r0), int(c0)
			dst[r*side+c] = (1-fr)*((1-fc)*at(src, ir, ic)+fc*at(src, ir, ic+1)) +
				fr*((1-fc)*at(src, ir+1, ic)+fc*at(src, ir+1, ic+1))
		}
	}
}

// at is pixel (r, c) of a 28×28 image, 0 outside it.
func at(img []float32, r, c int) float32 {
	if r < 0 || r >= 28 || c < 0 || c >= 28 {
		return 0
	}
	return img[r*28+c]
}

// deskewDataset returns a copy of ds with every image deskewed and rounded back to bytes.
func deskewDataset(ds *Dataset) *Dataset {
	out := &Dataset{Name: ds.Name + " (deskewed)", Images: make([]byte, len(ds.Images)), Labels: ds.Labels}
	x, y := make([]float32, Pixels), make([]float32, Pixels)
	for i := 0; i < ds.Len(); i++ {
		ToFloat(x, ds.Images[i*Pixels:(i+1)*Pixels])
		Deskew(y, x)
		for p, v := range y {
			out.Images[i*Pixels+p] = byte(min(max(math.Round(float64(v)*255), 0), 255))
		}
	}
	return out
}
