package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"version", []string{"version"}, exitOK, "deploybench "},
		{"help", []string{"--help"}, exitOK, "Usage:"},
		{"unknown command", []string{"frobnicate"}, exitUsage, ""},
		{"unknown flag", []string{"version", "--nope"}, exitUsage, ""},
		{"extra arg", []string{"version", "x"}, exitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := run(context.Background(), tt.args, &out, &errb)
			if got != tt.want {
				t.Fatalf("exit %d, want %d; stderr=%q", got, tt.want, errb.String())
			}
			if !strings.Contains(out.String(), tt.out) {
				t.Errorf("stdout %q does not contain %q", out.String(), tt.out)
			}
			if got != exitOK && strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
				t.Errorf("error is not one line: %q", errb.String())
			}
		})
	}
}
