package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/sim/calibration"
)

func TestCalibrateFromAWS(t *testing.T) {
	awsDir := filepath.Join("..", "..", "sim", "calibrate", "testdata", "aws-events")
	local := filepath.Join("..", "..", "sim", "calibrate", "testdata", "local")
	out := filepath.Join(t.TempDir(), "cal.json")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"from aws", []string{"calibrate", "--from", awsDir, "--out", out}, exitOK, "Lambda cold start (INIT)"},
		{"from a local run", []string{"calibrate", "--from", local, "--out", out + ".2"}, exitUsage, "is not from 'deploybench aws run'"},
		{"with a command", []string{"calibrate", "--from", awsDir, "--command", "srv", "--out", out + ".3"}, exitUsage, "--from starts nothing"},
		{"missing base", []string{"calibrate", "--from", awsDir, "--base", "nope.json", "--out", out + ".4"}, exitUsage, "nope.json"},
		{"base without from", []string{"calibrate", "--base", "x.json", "--out", out + ".5"}, exitUsage, "--base: only used with --from"},
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
	cal, err := calibration.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if cal.App != "builtin:svm" || cal.AWS == nil || cal.AWS.EC2LaunchMs != 30000 || cal.AWS.TaskStartMs != 43000 || cal.AWS.ColdStartMs != 812 {
		t.Fatalf("calibration = %s %+v", cal.App, cal.AWS)
	}
}
