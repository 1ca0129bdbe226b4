package mnist

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrConfig is wrapped by errors about invalid training settings, which callers (the
// CLI) report as bad usage rather than as a failure.
var ErrConfig = errors.New("invalid training setting")

type configError string

func (e configError) Error() string        { return string(e) }
func (e configError) Is(target error) bool { return target == ErrConfig }

func configErrorf(format string, args ...any) error {
	return configError(fmt.Sprintf(format, args...))
}

// Kinds lists the model kinds Train and Builtin accept.
var Kinds = []string{"mlp", "svm"}

// TrainOptions selects what Train builds. Only the config of the chosen kind is used.
type TrainOptions struct {
	Kind     string // "mlp" or "svm"
	Seed     int64  // overrides MLP.Seed; the SVM's SMO solver is deterministic without one
	MLP      MLPConfig
	SVM      SVMConfig
	Name     string       // Info.Name; default "<kind>"
	Version  string       // Info.Version; default "1"
	Data     string       // Info.Data: where split came from
	Progress ProgressFunc // called during training
}

// Train trains a model of opts.Kind on split.Train, measures its accuracy on split.Test
// and returns it with the Info a model file records.
func Train(ctx context.Context, split *Split, opts TrainOptions) (Model, Info, error) {
	begin := time.Now()
	var (
		m      Model
		err    error
		params map[string]string
	)
	switch opts.Kind {
	case "mlp":
		cfg := opts.MLP
		cfg.Seed = opts.Seed
		cfg.Progress = opts.Progress
		if err := cfg.defaults(); err != nil {
			return nil, Info{}, err
		}
		params = map[string]string{"hidden": strconv.Itoa(cfg.Hidden), "epochs": strconv.Itoa(cfg.Epochs),
			"batch": strconv.Itoa(cfg.BatchSize), "lr": fmt.Sprint(cfg.LearnRate),
			"deskew": strconv.FormatBool(!cfg.NoDeskew), "augment": strconv.FormatBool(!cfg.NoAugment)}
		m, err = TrainMLP(ctx, split.Train, split.Test, cfg)
	case "svm":
		cfg := opts.SVM
		cfg.Progress = opts.Progress
		if err := cfg.defaults(); err != nil {
			return nil, Info{}, err
		}
		params = map[string]string{"C": fmt.Sprint(cfg.C), "gamma": fmt.Sprint(cfg.Gamma), "tol": fmt.Sprint(cfg.Tol),
			"deskew": strconv.FormatBool(!cfg.NoDeskew)}
		var svm *SVM
		if svm, err = TrainSVM(ctx, split.Train, split.Test, cfg); err == nil {
			params["support_vectors"] = strconv.Itoa(svm.NumSV())
			m = svm
		}
	default:
		return nil, Info{}, configErrorf("mnist: unknown model kind %q (want mlp or svm)", opts.Kind)
	}
	if err != nil {
		return nil, Info{}, err
	}
	trained := time.Since(begin)
	acc, err := Accuracy(ctx, m, split.Test)
	if err != nil {
		return nil, Info{}, err
	}
	info := Info{Kind: opts.Kind, Name: opts.Name, Version: opts.Version, Seed: opts.Seed, Data: opts.Data,
		TrainSize: split.Train.Len(), TestSize: split.Test.Len(), Accuracy: acc, Params: params,
		Created: time.Now().UTC().Truncate(time.Second), TrainSeconds: trained.Seconds()}
	if info.Name == "" {
		info.Name = opts.Kind
	}
	if info.Version == "" {
		info.Version = "1"
	}
	return m, info, nil
}
