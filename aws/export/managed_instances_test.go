package export

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// TestManagedInstancesOptIn: with ManagedInstances the ecs-mi template uses the real
// ManagedInstancesProvider. The registry schema kept in testdata predates it, so the one
// expected schema finding is exactly that capacity provider's two newer properties;
// everything else validates. When cfn-lint is installed (its schemas are newer), the
// template must also pass it without errors.
func TestManagedInstancesOptIn(t *testing.T) {
	reg := mustRegistry(t)
	stacks, err := CloudFormation(demo(t), Options{RunID: "mi", ManagedInstances: true})
	if err != nil {
		t.Fatal(err)
	}
	var mi *Stack
	for i, st := range stacks {
		ps := validate(reg, decodeTemplate(t, st.Template))
		if st.Kind != "ecs-mi" {
			for _, p := range ps {
				t.Errorf("%s: %v", st.Name, p)
			}
			continue
		}
		mi = &stacks[i]
		if len(ps) != 1 {
			t.Fatalf("want the one known schema gap, got %v", ps)
		}
		k, ok := ps[0].Kind.(*kind.AdditionalProperties)
		got := []string{}
		if ok {
			got = slices.Sorted(slices.Values(k.Properties))
		}
		if ps[0].LogicalID != idCapacityProvider || !slices.Equal(got, []string{"ClusterName", "ManagedInstancesProvider"}) {
			t.Fatalf("got %v, want the capacity provider's ClusterName and ManagedInstancesProvider as unknown to the old schema", ps[0])
		}
	}
	if mi == nil {
		t.Fatal("demo has no ecs-mi platform")
	}
	for _, typ := range []string{"AWS::AutoScaling::AutoScalingGroup", "AWS::EC2::LaunchTemplate"} {
		for _, r := range mi.Resources() {
			if r.Type == typ {
				t.Errorf("Managed Instances template has a %s (%s)", typ, r.LogicalID)
			}
		}
	}

	b, err := mi.Template.JSON()
	if err != nil {
		t.Fatal(err)
	}
	cfnLint(t, map[string][]byte{"ecs-mi.json": b})
}

// TestCfnLint: when cfn-lint is installed, every template of every scenario passes it
// without errors (it carries newer schemas and many service rules of its own).
func TestCfnLint(t *testing.T) {
	files := map[string][]byte{}
	for name, sc := range scenarios(t) {
		stacks, err := CloudFormation(sc, Options{RunID: "lint", AllowedCIDR: "203.0.113.7/32"})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stacks {
			b, err := st.Template.JSON()
			if err != nil {
				t.Fatal(err)
			}
			files[sanitize(name, 64)+"-"+st.FileName()] = b
		}
	}
	cfnLint(t, files)
}

// cfnLint runs cfn-lint once over the templates and fails on every error it reports
// (warnings pass: the empty SubnetIds default draws W1030). Without cfn-lint the test
// is skipped.
func cfnLint(t *testing.T, templates map[string][]byte) {
	t.Helper()
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed")
	}
	dir := t.TempDir()
	args := []string{"--format", "parseable"}
	for name, b := range templates {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, _ := exec.CommandContext(ctx, lint, args...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("cfn-lint did not finish: %v", ctx.Err())
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// parseable: file:line:col:line:col:RULE:message; E rules are errors.
		if f := strings.SplitN(line, ":", 7); len(f) == 7 && strings.HasPrefix(f[5], "E") {
			t.Errorf("cfn-lint: %s", strings.TrimPrefix(line, dir+"/"))
		}
	}
}
