package scenario

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
)

// The built-in scenarios: the demo and the reference studies, as commented YAML files.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// BuiltinNames lists the built-in scenarios.
func BuiltinNames() []string {
	entries, _ := builtinFS.ReadDir("builtin")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Builtin returns the YAML of a built-in scenario.
func Builtin(name string) ([]byte, error) {
	b, err := builtinFS.ReadFile(path.Join("builtin", name+".yaml"))
	if err != nil {
		return nil, fmt.Errorf("scenario: no built-in scenario %q (available: %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	return b, nil
}
