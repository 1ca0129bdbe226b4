package runner

import (
	"testing"

	"github.com/deploybench/deploybench/platform"
)

func TestExitsNote(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   map[string]int64
		want string
	}{
		{"none", nil, ""},
		{"one OOM kill", map[string]int64{"OutOfMemory (exit 137)": 1}, "app exits so far (each replaced): OutOfMemory (exit 137) ×1"},
		{"most frequent first, then by name", map[string]int64{"exit 1": 1, "OutOfMemory (exit 137)": 3, "exit 0": 1},
			"app exits so far (each replaced): OutOfMemory (exit 137) ×3, exit 0 ×1, exit 1 ×1"},
		{"no reason given", map[string]int64{"": 2}, "app exits so far (each replaced): unknown reason ×2"},
	} {
		if got := exitsNote(tc.in); got != tc.want {
			t.Errorf("%s: exitsNote = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestEventSinkCountsExits: only the app-exit kinds of every platform family count.
func TestEventSinkCountsExits(t *testing.T) {
	var s eventSink
	for _, e := range []struct{ kind, detail string }{
		{"task_exit", "OutOfMemory (exit 137)"}, {"exit", "OutOfMemory (exit 137)"}, {"env_exit", "exit 2"},
		{"task_stopped", "Essential container in task exited: OutOfMemory (exit 137)"}, {"killed", "fault"},
	} {
		s.emit(platformEvent(e.kind, e.detail))
	}
	if got, want := s.exitsNote(), "app exits so far (each replaced): OutOfMemory (exit 137) ×2, exit 2 ×1"; got != want {
		t.Errorf("note %q, want %q", got, want)
	}
}

func platformEvent(kind, detail string) platform.Event {
	return platform.Event{Kind: kind, Instance: "i-1", Detail: detail}
}
