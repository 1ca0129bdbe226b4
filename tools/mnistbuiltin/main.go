// Command mnistbuiltin regenerates the models package mnist embeds (mnist.Builtin):
// it trains each kind on the embedded training split with default settings and seed 1
// and writes <out>/builtin-<kind>.dbm.gz. Run it after changing a trainer or the model
// file format:
//
//	go run ./tools/mnistbuiltin -out mnist/data
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deploybench/deploybench/mnist"
)

func main() {
	out := flag.String("out", "", "directory to write builtin-<kind>.dbm.gz into")
	kind := flag.String("kind", "all", "mlp, svm or all")
	flag.Parse()
	if err := run(*out, *kind); err != nil {
		fmt.Fprintln(os.Stderr, "mnistbuiltin:", err)
		os.Exit(1)
	}
}

func run(out, kind string) error {
	if out == "" {
		return fmt.Errorf("-out is required")
	}
	kinds := mnist.Kinds
	if kind != "all" {
		kinds = []string{kind}
	}
	split, err := mnist.Embedded()
	if err != nil {
		return err
	}
	for _, k := range kinds {
		m, info, err := mnist.Train(context.Background(), split, mnist.TrainOptions{
			Kind: k, Seed: 1, Name: "builtin-" + k, Version: "1", Data: "embedded",
			Progress: func(p mnist.Progress) {
				fmt.Fprintf(os.Stderr, "%s %s %d/%d %s\n", k, p.Phase, p.Step, p.Steps, p.Detail)
			},
		})
		if err != nil {
			return err
		}
		var raw, gz bytes.Buffer
		if err := mnist.Encode(&raw, m, info); err != nil {
			return err
		}
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(raw.Bytes())
		if err := zw.Close(); err != nil {
			return err
		}
		path := filepath.Join(out, "builtin-"+k+".dbm.gz")
		if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: test accuracy %.4f, %d bytes (%d uncompressed)\n", path, info.Accuracy, gz.Len(), raw.Len())
	}
	return nil
}
