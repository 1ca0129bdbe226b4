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
