package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImageBuildRejectsBadInput(t *testing.T) {
	script := filepath.Join(t.TempDir(), "not-elf")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no.sock"))
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"model not built in", []string{"image", "build", "--model", "m.bin"}, 2, "--model \"m.bin\": the image embeds only built-in models"},
		{"empty tag", []string{"image", "build", "--tag", ""}, 2, "--tag \"\""},
		{"no engine", []string{"image", "build", "--binary", script}, 1, "cannot reach the Docker engine at unix://"},
		{"load missing file", []string{"image", "load", filepath.Join(t.TempDir(), "none.tar")}, 2, "image load:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d with %q", code, stderr.String(), tc.code, tc.want)
			}
			if n := strings.Count(strings.TrimSpace(stderr.String()), "\n"); n != 0 {
				t.Errorf("error is %d lines: %q", n+1, stderr.String())
			}
		})
	}
}

func TestGCWithoutEngineSaysSo(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no.sock"))
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"gc"}, &stdout, &stderr); code != 0 {
		t.Fatalf("gc exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "containers not checked: docker: cannot reach the Docker engine") {
		t.Errorf("stderr %q does not say containers were not checked", stderr.String())
	}
}
