package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/mnist"
)

func init() { register(newTrainCmd) }

func newTrainCmd() *cobra.Command {
	var (
		kind, out, data, name, modelVersion string
		seed                                int64
		trainLimit, testLimit               int
		mlpCfg                              mnist.MLPConfig
		svmCfg                              mnist.SVMConfig
		noDeskew, noAugment                 bool
	)
	cmd := &cobra.Command{
		Use:   "train --model mlp|svm --out FILE",
		Short: "Train a digit classifier and save it as a model file",
		Long: `Train a digit classifier on the embedded MNIST split (or the MNIST files in --data),
print progress and the test accuracy, and write a checksummed model file that
'deploybench serve --model FILE' loads.

  mlp  784-256-10 perceptron, Adam; ~15 s, ~30 µs per image
  svm  RBF-kernel SVM, one-vs-one, SMO; ~5 s on the embedded set, ~1 ms per image`,
		Example: `  deploybench train --model mlp --out m.bin
  deploybench train --model svm --out svm.bin --gamma 0.03 --svm-c 10
  deploybench train --model mlp --out full.bin --data ./mnist-files`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			if err := checkTrainFlags(cmd, kind, out); err != nil {
				return err
			}
			// The library reads zero as "default"; on the command line a zero is a mistake.
			for flag, v := range map[string]float64{"hidden": float64(mlpCfg.Hidden), "epochs": float64(mlpCfg.Epochs),
				"batch": float64(mlpCfg.BatchSize), "lr": mlpCfg.LearnRate, "svm-c": svmCfg.C, "gamma": svmCfg.Gamma, "tol": svmCfg.Tol} {
				if !(v > 0) {
					return usagef("train: --%s %v: must be positive", flag, v)
				}
			}
			split, source := (*mnist.Split)(nil), "embedded"
			var err error
			if data != "" {
				source = data
				split, err = mnist.LoadDir(data)
			} else {
				split, err = mnist.Embedded()
			}
			if err != nil {
				return asUsage(fmt.Errorf("train: --data: %w", err))
			}
			if trainLimit < 0 || testLimit < 0 {
				return usagef("train: --train-limit and --test-limit must not be negative (0 means all)")
			}
			split = &mnist.Split{Train: split.Train.Subset(trainLimit), Test: split.Test.Subset(testLimit)}
			mlpCfg.NoDeskew, mlpCfg.NoAugment, svmCfg.NoDeskew = noDeskew, noAugment, noDeskew
			fmt.Fprintf(w, "training %s on %s data: %d training, %d test images, seed %d\n",
				kind, source, split.Train.Len(), split.Test.Len(), seed)
			m, info, err := mnist.Train(cmd.Context(), split, mnist.TrainOptions{
				Kind: kind, Seed: seed, MLP: mlpCfg, SVM: svmCfg, Data: source,
				Name: name, Version: modelVersion,
				Progress: func(p mnist.Progress) { fmt.Fprintln(w, formatProgress(p)) },
			})
			if errors.Is(err, mnist.ErrConfig) {
				return asUsage(fmt.Errorf("train: %w", err))
			}
			if err != nil {
				return fmt.Errorf("train: %w", err)
			}
			info.Trainer = "deploybench " + buildVersion()
			fmt.Fprintf(w, "test accuracy: %.4f (%d test images, trained in %.1fs)\n", info.Accuracy, info.TestSize, info.TrainSeconds)
			if err := mnist.WriteFile(out, m, info); err != nil {
				return fmt.Errorf("train: --out: %w", err)
			}
			fmt.Fprintf(w, "wrote %s (%s %q version %s)\n", out, info.Kind, info.Name, info.Version)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&kind, "model", "mlp", "model kind: mlp or svm")
	f.StringVar(&out, "out", "", "model file to write (required)")
	f.StringVar(&data, "data", "", "directory with MNIST/Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz] …); default: the embedded 10,000 digits")
	f.IntVar(&trainLimit, "train-limit", 0, "use only the first N training images (0: all); e.g. to keep an SVM on full MNIST short")
	f.IntVar(&testLimit, "test-limit", 0, "measure accuracy on the first N test images only (0: all)")
	f.Int64Var(&seed, "seed", 1, "random seed (MLP initialisation and shuffling)")
	f.StringVar(&name, "name", "", "model name recorded in the file (default: the kind)")
	f.StringVar(&modelVersion, "model-version", "1", "model version recorded in the file")
	f.BoolVar(&noDeskew, "no-deskew", false, "do not deskew images before training and prediction")
	f.IntVar(&mlpCfg.Hidden, "hidden", 256, "mlp: hidden units")
	f.IntVar(&mlpCfg.Epochs, "epochs", 20, "mlp: passes over the training set")
	f.IntVar(&mlpCfg.BatchSize, "batch", 32, "mlp: mini-batch size")
	f.Float64Var(&mlpCfg.LearnRate, "lr", 0.001, "mlp: Adam learning rate")
	f.BoolVar(&noAugment, "no-augment", false, "mlp: no random ±1-pixel shifts of training images")
	f.Float64Var(&svmCfg.C, "svm-c", 5, "svm: soft-margin penalty C")
	f.Float64Var(&svmCfg.Gamma, "gamma", 0.05, "svm: RBF kernel width gamma in exp(-gamma·‖x−s‖²)")
	f.Float64Var(&svmCfg.Tol, "tol", 0.001, "svm: SMO stopping tolerance")
	f.IntVar(&svmCfg.Workers, "workers", 0, "svm: class pairs trained in parallel (default: all cores; the model does not depend on it)")
	return cmd
}

// mlpFlags and svmFlags apply to one model kind only; setting one for the other kind is
// a mistake worth reporting rather than ignoring.
var (
	mlpFlags = []string{"hidden", "epochs", "batch", "lr", "no-augment"}
	svmFlags = []string{"svm-c", "gamma", "tol", "workers"}
)

func checkTrainFlags(cmd *cobra.Command, kind, out string) error {
	var other []string
	switch kind {
	case "mlp":
		other = svmFlags
	case "svm":
		other = mlpFlags
	default:
		return usagef("train: --model %q: want mlp or svm", kind)
	}
	for _, name := range other {
		if cmd.Flags().Changed(name) {
			return usagef("train: --%s does not apply to --model %s; drop it or use --model %s", name, kind, map[string]string{"mlp": "svm", "svm": "mlp"}[kind])
		}
	}
	if out == "" {
		return usagef("train: --out is required: the model file to write, e.g. --out m.bin")
	}
	if st, err := os.Stat(filepath.Dir(out)); err != nil || !st.IsDir() {
		return usagef("train: --out %s: directory %s does not exist", out, filepath.Dir(out))
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return usagef("train: --out %s is a directory; give a file name", out)
	}
	return nil
}

// formatProgress renders one progress line, e.g.
// "epoch  3/20   1.2s  loss 0.1359  test accuracy 0.9501".
func formatProgress(p mnist.Progress) string {
	var b strings.Builder
	width := len(fmt.Sprint(p.Steps))
	fmt.Fprintf(&b, "%s %*d/%d %6.1fs  %s", p.Phase, width, p.Step, p.Steps, p.Elapsed.Seconds(), p.Detail)
	if p.Accuracy >= 0 {
		fmt.Fprintf(&b, "  test accuracy %.4f", p.Accuracy)
	}
	return b.String()
}
