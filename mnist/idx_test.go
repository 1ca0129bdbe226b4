package mnist

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadIDX(t *testing.T) {
	tests := []struct {
		file    string
		dims    []int
		wantErr string // substring; "" means success
	}{
		{"good-images-idx3-ubyte", []int{3, 28, 28}, ""},
		{"good-images-idx3-ubyte.gz", []int{3, 28, 28}, ""},
		{"good-labels-idx1-ubyte", []int{3}, ""},
		{"bad-magic.idx", nil, "bad magic 89504e47"},
		{"bad-type.idx", nil, "data type 0x0d is not supported"},
		{"truncated-header.idx", nil, "truncated header"},
		{"truncated-data.idx", nil, "truncated: header declares [3 28 28] = 2352 values, file holds 2252"},
		{"trailing-bytes.idx", nil, "trailing bytes"},
		{"huge-dims.idx", nil, "exceeds the limit"},
		{"zero-dims.idx", nil, "zero dimensions"},
		{"truncated.gz", nil, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadIDX(tt.file, bytes.NewReader(raw))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.file) {
					t.Fatalf("err = %v, want one naming %s and containing %q", err, tt.file, tt.wantErr)
				}
				if !errors.Is(err, ErrBadIDX) {
					t.Errorf("err %v does not wrap ErrBadIDX", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(got.Dims, tt.dims) {
				t.Errorf("dims %v, want %v", got.Dims, tt.dims)
			}
			if n := product(tt.dims); len(got.Data) != n {
				t.Errorf("%d values, want %d", len(got.Data), n)
			}
		})
	}
}

func TestNewDataset(t *testing.T) {
	images := mustIDX(t, "good-images-idx3-ubyte")
	tests := []struct {
		images, labels string
		wantErr        string
	}{
		{"good-images-idx3-ubyte", "good-labels-idx1-ubyte", ""},
		{"good-images-idx3-ubyte", "mismatch-labels-idx1-ubyte", "3 images but 4 labels"},
		{"good-images-idx3-ubyte", "bad-label-labels-idx1-ubyte", "label 12 of item 2 is not a digit"},
		{"wrong-shape-images-idx3-ubyte", "good-labels-idx1-ubyte", "dimensions [3 14 56]; want N×28×28"},
		{"good-labels-idx1-ubyte", "good-labels-idx1-ubyte", "want N×28×28"},
		{"good-images-idx3-ubyte", "good-images-idx3-ubyte", "labels have dimensions [3 28 28]"},
	}
	for _, tt := range tests {
		t.Run(tt.images+"+"+tt.labels, func(t *testing.T) {
			ds, err := NewDataset("set", mustIDX(t, tt.images), mustIDX(t, tt.labels))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ds.Len() != 3 || ds.Labels[1] != 7 || !bytes.Equal(ds.Images, images.Data) {
				t.Errorf("dataset %d images, labels %v", ds.Len(), ds.Labels)
			}
			if x := ds.Image(0); x[6*28+10] != 1 || x[0] != 0 {
				t.Errorf("Image(0) not scaled to [0,1]: %v, %v", x[6*28+10], x[0])
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	s, err := LoadDir(filepath.Join("testdata", "dir"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 3 || s.Test.Len() != 1 {
		t.Errorf("train %d test %d, want 3 and 1", s.Train.Len(), s.Test.Len())
	}
	empty := t.TempDir()
	_, err = LoadDir(empty)
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz found") {
		t.Errorf("empty dir: err = %v", err)
	}
	// A bad file is reported with its name.
	bad := t.TempDir()
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz"} {
		copyFile(t, filepath.Join("testdata", "dir", f), filepath.Join(bad, f))
	}
	copyFile(t, filepath.Join("testdata", "truncated-data.idx"), filepath.Join(bad, "t10k-images-idx3-ubyte"))
	_, err = LoadDir(bad)
	if err == nil || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte: truncated") {
		t.Errorf("truncated file: err = %v", err)
	}
}

func TestEmbedded(t *testing.T) {
	s, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 7996 || s.Test.Len() != 2004 {
		t.Fatalf("train %d, test %d; the documented split is 7996/2004", s.Train.Len(), s.Test.Len())
	}
	var train, test [Classes]int
	for _, l := range s.Train.Labels {
		train[l]++
	}
	for _, l := range s.Test.Labels {
		test[l]++
	}
	for c := range Classes {
		if share := float64(test[c]) / float64(train[c]+test[c]); share < 0.19 || share > 0.21 {
			t.Errorf("digit %d: %d train, %d test; the split is stratified 80/20", c, train[c], test[c])
		}
	}
	// Rows are interleaved by digit, so any prefix is balanced.
	if got := s.Train.Labels[:10]; !bytes.Equal(got, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("first training labels %v", got)
	}
}

func FuzzReadIDX(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := ReadIDX("fuzz", bytes.NewReader(raw))
		if err != nil {
			if !errors.Is(err, ErrBadIDX) {
				t.Fatalf("error %v does not wrap ErrBadIDX", err)
			}
			return
		}
		if len(got.Data) != product(got.Dims) {
			t.Fatalf("%d values for dims %v", len(got.Data), got.Dims)
		}
	})
}

func mustIDX(t *testing.T, name string) *IDX {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := ReadIDX(name, f)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

func product(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
