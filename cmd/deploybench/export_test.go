package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/scenario"
)

// Must show 1 through the CLI: export writes a template for every platform of each
// built-in scenario, and an index naming them.
func TestExportBuiltins(t *testing.T) {
	for _, name := range scenario.BuiltinNames() {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := runCLI(t, "export", "builtin:"+name, "--out", dir, "--run-id", "t1", "--allowed-cidr", "203.0.113.7/32")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			raw, _ := scenario.Builtin(name)
			sc, err := scenario.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			var idx exportIndex
			b, err := os.ReadFile(filepath.Join(dir, "index.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &idx); err != nil {
				t.Fatal(err)
			}
			if len(idx.Stacks) != len(sc.Platforms) || idx.RunID != "t1" || idx.AllowedCIDR != "203.0.113.7/32" {
				t.Fatalf("index: %+v", idx)
			}
			for i, st := range idx.Stacks {
				if st.Platform != sc.Platforms[i].Name {
					t.Errorf("stack %d is %q, want %q", i, st.Platform, sc.Platforms[i].Name)
				}
				tb, err := os.ReadFile(filepath.Join(dir, st.File))
				if err != nil {
					t.Fatal(err)
				}
				var tpl struct {
					AWSTemplateFormatVersion string
					Resources                map[string]any
					Outputs                  map[string]any
				}
				if err := json.Unmarshal(tb, &tpl); err != nil {
					t.Fatalf("%s: %v", st.File, err)
				}
				if tpl.AWSTemplateFormatVersion == "" || len(tpl.Resources) != st.Resources || tpl.Outputs["EndpointURL"] == nil {
					t.Errorf("%s: not a complete template", st.File)
				}
				if !slices.Contains(st.Parameters, "ImageUri") || !slices.Contains(st.Parameters, "RunId") {
					t.Errorf("%s: index lists parameters %v", st.File, st.Parameters)
				}
				if !strings.Contains(stdout, filepath.Join(dir, st.File)) {
					t.Errorf("stdout does not name %s:\n%s", st.File, stdout)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != len(sc.Platforms)+1 {
				t.Errorf("%d files in the output directory, want %d templates and index.json", len(entries), len(sc.Platforms))
			}
		})
	}
}

// TestExportManagedInstances: the flag switches ecs-mi to a ManagedInstancesProvider.
func TestExportManagedInstances(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "export", "builtin:demo", "--out", dir, "--ecs-managed-instances"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "ecs-mi.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"ManagedInstancesProvider"`) || strings.Contains(string(b), "AWS::AutoScaling::AutoScalingGroup") {
		t.Error("ecs-mi.json is not a Managed Instances template")
	}
}

// TestExportBadInput: bad input is one line naming the flag or field, exit 2.
func TestExportBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: x\nload: {executor: constant_rate, rate: 1, duration: 1s}\nplatforms:\n  - {name: f, kind: fargate, settings: {cpu: 0.3}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "builtin:demo", "--out", dir, "--format", "terraform"}, "--format: \"terraform\" is not a format (valid: cloudformation)"},
		{[]string{"export", "builtin:demo"}, "--out: required"},
		{[]string{"export", "builtin:demo", "--out", dir, "--run-id", "Bad Id"}, "--run-id:"},
		{[]string{"export", "builtin:demo", "--out", dir, "--allowed-cidr", "0.0.0.0"}, "--allowed-cidr:"},
		{[]string{"export", "builtin:nope", "--out", dir}, "no built-in scenario"},
		{[]string{"export", bad, "--out", dir}, "fargate.cpu"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "index.json")); err == nil {
		t.Error("a failed export wrote index.json")
	}
}
