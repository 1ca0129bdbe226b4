// Package examples holds scenarios and small apps for runtime: docker that a user can
// run as they are (see README.md here). Its test keeps every example scenario valid and
// every example app building, so the documented commands keep working.
package examples

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/deploybench/deploybench/scenario"
)

// TestScenariosAreValid parses and validates every example scenario, as run does first.
func TestScenariosAreValid(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example scenarios found")
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			s, err := scenario.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if s.Runtime != "docker" {
				t.Errorf("runtime %q, want docker: the examples show the container runtime", s.Runtime)
			}
		})
	}
}

// TestAppsBuildStatic builds the example apps as the README says (CGO_ENABLED=0), into a
// temporary directory: a FROM scratch image needs a static binary.
func TestAppsBuildStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short: builds two programs")
	}
	for _, app := range []string{"httpapp", "lambdahandler"} {
		t.Run(app, func(t *testing.T) {
			cmd := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), app), "./"+app)
			cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build ./%s: %v\n%s", app, err, out)
			}
		})
	}
}
