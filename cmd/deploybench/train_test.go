package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/mnist"
)

func TestTrainCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.bin")
	var stdout, stderr bytes.Buffer
	// A small, fast configuration: the full default run is shown in docs/perf-mnist.md.
	args := []string{"train", "--model", "mlp", "--out", out, "--hidden", "16", "--epochs", "2", "--seed", "3", "--name", "tiny", "--train-limit", "3000"}
	if code := run(context.Background(), args, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"training mlp on embedded data: 3000 training, 2004 test images, seed 3", "epoch 1/2", "epoch 2/2", "test accuracy: 0.", "wrote " + out} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	m, info, err := mnist.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind() != "mlp" || info.Name != "tiny" || info.Seed != 3 || info.Params["hidden"] != "16" || !strings.HasPrefix(info.Trainer, "deploybench ") {
		t.Errorf("model %s, info %+v", m.Kind(), info)
	}
}

func TestTrainCommandSVMData(t *testing.T) {
	// --data with a directory of IDX files; a copy of the embedded test split serves
	// as both training and test set to keep the run short.
	dir := t.TempDir()
	split, err := mnist.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"train", "t10k"} {
		ds := split.Test.Subset(300)
		writeIDX(t, filepath.Join(dir, prefix+"-images-idx3-ubyte"), []int{ds.Len(), 28, 28}, ds.Images)
		writeIDX(t, filepath.Join(dir, prefix+"-labels-idx1-ubyte"), []int{ds.Len()}, ds.Labels)
	}
	out := filepath.Join(dir, "svm.bin")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"train", "--model", "svm", "--out", out, "--data", dir}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "pair 45/45") || !strings.Contains(stdout.String(), "test accuracy: ") {
		t.Errorf("output:\n%s", stdout.String())
	}
	if m, _, err := mnist.ReadFile(out); err != nil || m.Kind() != "svm" {
		t.Errorf("model file: %v", err)
	}
}

func writeIDX(t *testing.T, path string, dims []int, data []byte) {
	t.Helper()
	hdr := []byte{0, 0, 8, byte(len(dims))}
	for _, d := range dims {
		hdr = append(hdr, byte(d>>24), byte(d>>16), byte(d>>8), byte(d))
	}
	if err := os.WriteFile(path, append(hdr, data...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTrainCommandUsage(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.bin")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"train"}, "--out is required"},
		{"kind", []string{"train", "--model", "cnn", "--out", out}, `--model "cnn": want mlp or svm`},
		{"foreign flag", []string{"train", "--model", "svm", "--epochs", "3", "--out", out}, "--epochs does not apply to --model svm"},
		{"bad epochs", []string{"train", "--epochs", "0", "--out", out}, "--epochs 0: must be positive"},
		{"bad gamma", []string{"train", "--model", "svm", "--gamma", "-1", "--out", out}, "--gamma -1: must be positive"},
		{"big hidden", []string{"train", "--hidden", "5000", "--out", out}, "hidden 5000 must be within 1–4096"},
		{"not a number", []string{"train", "--seed", "x", "--out", out}, "invalid argument"},
		{"missing dir", []string{"train", "--out", filepath.Join(dir, "nope", "m.bin")}, "does not exist"},
		{"out is dir", []string{"train", "--out", dir}, "is a directory"},
		{"bad data", []string{"train", "--out", out, "--data", dir}, "--data: mnist:"},
		{"negative limit", []string{"train", "--out", out, "--train-limit", "-1"}, "must not be negative"},
		{"args", []string{"train", "--out", out, "extra"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			msg := stderr.String()
			if code != exitUsage || !strings.Contains(msg, tt.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want exit 2 with one line containing %q", code, msg, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a model file was written")
			}
		})
	}
}

func TestTrainCommandCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "m.bin")
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"train", "--out", out}, &stdout, &stderr); code != exitFailure {
		t.Errorf("exit %d, want 1: %s", code, stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a cancelled run wrote a model file")
	}
}
