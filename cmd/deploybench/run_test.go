package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunRejectsBadScenarios(t *testing.T) {
	base := "name: x\nload: {rate: 1, duration: 1s}\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"typo", base + "platfroms: []\n", "field platfroms is not a known key"},
		{"settings typo", base + "platforms: [{name: a, kind: asg, settings: {mni: 1}}]\n", "platforms[0] (a).settings: field mni is not a known key"},
		{"host budget", base + "platforms: [{name: big, kind: asg, settings: {instance_type: m5.4xlarge, max: 10}}]\n", `host capacity: platform "big" can run 160 emulated vCPUs`},
		{"bad type", base + "platforms: [{name: a, kind: ec2, settings: {instance_type: t2.mediun}}]\n", "did you mean t2.medium"},
		{"fargate size", base + "platforms: [{name: f, kind: fargate, settings: {cpu: 0.25, memory_gb: 4}}]\n", "0.5, 1, 2"},
		{"bad load", "name: x\nload: {rate: -1, duration: 1s}\nplatforms: [{name: a, kind: ec2}]\n", "load"},
		{"bad slo", base + "slo: p95<fast\nplatforms: [{name: a, kind: ec2}]\n", "slo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			f := filepath.Join(dir, "s.yaml")
			os.WriteFile(f, []byte(tt.yaml), 0o644)
			out := filepath.Join(dir, "out")
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"run", f, "--out", out}, &stdout, &stderr)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			last := lines[len(lines)-1]
			if !strings.Contains(last, tt.want) {
				t.Errorf("last stderr line %q lacks %q", last, tt.want)
			}
			if _, err := os.Stat(filepath.Join(out, "run.json")); err == nil {
				t.Error("a rejected scenario left a results directory that looks like a run")
			}
		})
	}
}

func TestRunBuiltinUnknown(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"run", "builtin:nope"}, &stdout, &stderr); code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), "available: ") || !strings.Contains(stderr.String(), "demo") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestInitWritesAValidScenario(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "scenario.yaml")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"init", f}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if code := run(context.Background(), []string{"init", f}, &stdout, &stderr); code != exitUsage {
		t.Fatalf("second init: exit %d, want %d (file exists)", code, exitUsage)
	}
	if _, _, err := loadScenario(f); err != nil {
		t.Fatal(err)
	}
}
