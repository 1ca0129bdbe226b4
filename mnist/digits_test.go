package mnist

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteDigitPNGs: n decodable 28×28 PNGs, named with their labels.
func TestWriteDigitPNGs(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDigitPNGs(dir, 3); err != nil {
		t.Fatal(err)
	}
	es, err := os.ReadDir(dir)
	if err != nil || len(es) != 3 {
		t.Fatalf("%d files, %v; want 3", len(es), err)
	}
	split, _ := Embedded()
	for i, e := range es {
		if want := "digit-000" + string(rune('0'+i)) + "-" + string(rune('0'+split.Test.Labels[i])) + ".png"; e.Name() != want {
			t.Errorf("file %d is %s, want %s", i, e.Name(), want)
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() != 28 || img.Bounds().Dy() != 28 {
			t.Errorf("%s: %v, %v", e.Name(), err, img)
		}
	}
}
