package runner

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// exitKinds are the events a platform emits when an instance's, task's or execution
// environment's app exits on its own (never for a stop it asked for): EC2 and ASG
// fleets, ECS services, Lambda pools.
var exitKinds = map[string]bool{"exit": true, "task_exit": true, "env_exit": true}

// exitsNote sums up the app exits a platform has seen by reason, most frequent first —
// "app exits so far: OutOfMemory (exit 137) ×2, exit 1 ×1" — so the report counts an
// out-of-memory kill and the like, not only the failed requests it caused. "" when none.
func exitsNote(byReason map[string]int64) string {
	if len(byReason) == 0 {
		return ""
	}
	reasons := slices.SortedFunc(maps.Keys(byReason), func(a, b string) int {
		return cmp.Or(cmp.Compare(byReason[b], byReason[a]), strings.Compare(a, b))
	})
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		if r == "" {
			r = "unknown reason"
		}
		parts[i] = fmt.Sprintf("%s ×%d", r, byReason[reasons[i]])
	}
	return "app exits so far (each replaced): " + strings.Join(parts, ", ")
}
