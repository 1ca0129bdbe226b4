package mnist

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// WriteDigitPNGs writes the first n digits of the embedded test split as PNG files into
// dir (digit-NNNN-LABEL.png): the built-in app's request bodies, so that load goes
// through its full image-decoding path with real digits.
func WriteDigitPNGs(dir string, n int) error {
	split, err := Embedded()
	if err != nil {
		return err
	}
	ds := split.Test
	n = min(n, ds.Len())
	for i := 0; i < n; i++ {
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		for p := 0; p < Pixels; p++ {
			// Dark ink on white paper, as a photographed digit would be; the server
			// inverts and centres it like MNIST.
			img.Pix[p] = 255 - ds.Images[i*Pixels+p]
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("digit-%04d-%d.png", i, ds.Labels[i])))
		if err != nil {
			return err
		}
		if err := png.Encode(f, img); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
