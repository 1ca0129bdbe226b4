package mnist

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
)

// Dataset is a set of labelled 28×28 grayscale images, stored as bytes as in the IDX files
// (0 = background, 255 = ink).
type Dataset struct {
	Name   string  // where it came from, for messages
	Images []byte  // Len()*Pixels bytes, image i at [i*Pixels:(i+1)*Pixels]
	Labels []uint8 // the digit of each image, 0–9
}

// Len is the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// Image returns image i as model input: Pixels values in [0,1].
func (d *Dataset) Image(i int) []float32 {
	x := make([]float32, Pixels)
	ToFloat(x, d.Images[i*Pixels:(i+1)*Pixels])
	return x
}

// ToFloat scales bytes to model input in [0,1]; dst and src have the same length.
func ToFloat(dst []float32, src []byte) {
	for i, b := range src {
		dst[i] = float32(b) * (1.0 / 255)
	}
}

// Subset returns the first n images of d (all of them if n <= 0 or n >= Len), sharing
// storage with d.
func (d *Dataset) Subset(n int) *Dataset {
	if n <= 0 || n >= d.Len() {
		return d
	}
	return &Dataset{Name: fmt.Sprintf("%s[:%d]", d.Name, n), Images: d.Images[:n*Pixels], Labels: d.Labels[:n]}
}

// NewDataset checks that an images array and a labels array form a dataset of 28×28
// digits: images must be n×28×28, labels n values in 0–9.
func NewDataset(name string, images, labels *IDX) (*Dataset, error) {
	if len(images.Dims) != 3 || images.Dims[1] != 28 || images.Dims[2] != 28 {
		return nil, fmt.Errorf("mnist: %s: images have dimensions %v; want N×28×28", name, images.Dims)
	}
	if len(labels.Dims) != 1 {
		return nil, fmt.Errorf("mnist: %s: labels have dimensions %v; want one dimension", name, labels.Dims)
	}
	if images.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("mnist: %s: %d images but %d labels; the files do not belong together", name, images.Dims[0], labels.Dims[0])
	}
	for i, l := range labels.Data {
		if l >= Classes {
			return nil, fmt.Errorf("mnist: %s: label %d of item %d is not a digit 0–9", name, l, i)
		}
	}
	return &Dataset{Name: name, Images: images.Data, Labels: labels.Data}, nil
}

// Split is a training set and the test set its accuracy is reported on.
type Split struct {
	Train, Test *Dataset
}

// LoadDir reads the standard MNIST (or Fashion-MNIST) files from dir:
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
// t10k-labels-idx1-ubyte, each raw or with a .gz suffix.
func LoadDir(dir string) (*Split, error) {
	return loadFS(os.DirFS(dir), dir)
}

func loadFS(fsys fs.FS, where string) (*Split, error) {
	var s Split
	for _, set := range []struct {
		prefix string
		dst    **Dataset
	}{{"train", &s.Train}, {"t10k", &s.Test}} {
		images, err := readIDXFile(fsys, where, set.prefix+"-images-idx3-ubyte")
		if err != nil {
			return nil, err
		}
		labels, err := readIDXFile(fsys, where, set.prefix+"-labels-idx1-ubyte")
		if err != nil {
			return nil, err
		}
		if *set.dst, err = NewDataset(path.Join(where, set.prefix), images, labels); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// readIDXFile reads base or base.gz from fsys.
func readIDXFile(fsys fs.FS, where, base string) (*IDX, error) {
	for _, name := range []string{base, base + ".gz"} {
		raw, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mnist: %w", err)
		}
		return ReadIDX(path.Join(where, name), bytes.NewReader(raw))
	}
	return nil, fmt.Errorf("mnist: %s: neither %s nor %s.gz found; --data wants a directory with the MNIST IDX files", where, base, base)
}
