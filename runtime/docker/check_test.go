package docker

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/runtime"
)

// TestCheck: what Start would refuse, Check refuses before any container exists, with
// the same line — a command instead of an image, an image the engine lacks (the
// built-in app's too, before deploybench image build) — and an image that can run passes.
func TestCheck(t *testing.T) {
	cli := engine(t)
	img := testImage(t, cli)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(context.Background(), Options{DefaultImage: "deploybench-test/no-such-classifier:missing"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, tc := range []struct {
		name string
		spec runtime.Spec
		rie  bool
		want string // "" means no error
	}{
		{"image present", appSpec(img, 1, 64), false, ""},
		{"handler image", appSpec(img, 1, 64), true, ""},
		{"command, not an image", runtime.Spec{Command: []string{"/bin/true"}}, false, "runs an image, not a command"},
		{"unknown image", appSpec("deploybench-test/no-such-image:missing", 1, 64), false, `"deploybench-test/no-such-image:missing" not found`},
		{"built-in app before image build", runtime.Spec{Command: []string{self, "serve"}}, false, "no-such-classifier:missing\" not found on the engine at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := b.Check(ctx, tc.spec, tc.rie)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n")):
				t.Fatalf("Check: %v; want one line with %q", err, tc.want)
			}
		})
	}
	if n := runContainers(t, cli, b.RunLabel()); n != 0 {
		t.Errorf("Check left %d containers", n)
	}
}
