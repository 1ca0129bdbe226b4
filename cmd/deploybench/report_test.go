package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, filepath.Join("..", "..", "report", "testdata", "run"), dir)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"report", dir}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Recommendation: asg") {
		t.Errorf("output lacks the recommendation:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Error(err)
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"report", t.TempDir()}, &out, &errb); code != exitUsage {
		t.Fatalf("empty dir: exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errb.String(), "no run.json") {
		t.Errorf("stderr = %q", errb.String())
	}
}

func TestReportCompareCommand(t *testing.T) {
	local := filepath.Join("..", "..", "report", "testdata", "compare-local")
	aws := filepath.Join("..", "..", "report", "testdata", "compare-aws")
	out := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"side by side", []string{"report", local, aws, "--out", out}, exitOK, "Δ aws−local"},
		{"swapped", []string{"report", aws, local, "--out", out}, exitUsage, "give LOCAL_DIR first"},
		{"out with one dir", []string{"report", local, "--out", out}, exitUsage, "--out: only used with two directories"},
		{"three dirs", []string{"report", local, aws, out}, exitUsage, "accepts between 1 and 2 arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stdout.String()+stderr.String(), tt.want) {
				t.Fatalf("exit %d (want %d); output lacks %q:\n%s%s", code, tt.code, tt.want, stdout.String(), stderr.String())
			}
		})
	}
	for _, f := range []string{"compare.html", "compare.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
