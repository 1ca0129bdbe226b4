package export

import (
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/scenario"
)

// FuzzSettings feeds arbitrary settings sections to every platform kind's export: it
// must never panic, and whatever it accepts must be a template that passes the schema
// and reference checks.
func FuzzSettings(f *testing.F) {
	for _, sc := range scenariosForFuzz(f) {
		for _, p := range sc.Platforms {
			b, err := yaml.Marshal(&p.Settings)
			if err == nil {
				f.Add(p.Kind, string(b))
			}
		}
	}
	reg, err := loadRegistry()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, kind, settings string) {
		var node yaml.Node
		if yaml.Unmarshal([]byte(settings), &node) != nil || len(node.Content) == 0 {
			return
		}
		sc := &scenario.Scenario{Name: "fuzz", App: scenario.App{Builtin: "svm", HealthPath: "/healthz"},
			Platforms: []scenario.Platform{{Name: "p", Kind: kind, Settings: *node.Content[0]}}}
		stacks, err := CloudFormation(sc, Options{RunID: "fuzz"})
		if err != nil {
			return
		}
		for _, p := range validate(reg, decodeTemplate(t, stacks[0].Template)) {
			t.Errorf("settings %q (%s) export an invalid template: %v", settings, kind, p)
		}
	})
}

func scenariosForFuzz(f *testing.F) []*scenario.Scenario {
	var out []*scenario.Scenario
	for _, name := range scenario.BuiltinNames() {
		raw, _ := scenario.Builtin(name)
		if sc, err := scenario.Parse(raw); err == nil {
			out = append(out, sc)
		}
	}
	if sc, err := scenario.ReadFile("testdata/every-setting.yaml"); err == nil {
		out = append(out, sc)
	}
	return out
}
