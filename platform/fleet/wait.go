package fleet

import (
	"context"
	"fmt"

	"github.com/deploybench/deploybench/platform"
)

// WaitFor blocks until cond holds for the fleet's Status, or ctx ends, or — when failFast
// is set — an instance fails before cond holds (its app could not start, was not ready in
// time, or exited). A failing app is then reported instead of being replaced forever, so
// that a broken command stops a run at once.
func (f *Fleet) WaitFor(ctx context.Context, failFast bool, cond func(platform.Status) bool) error {
	seen := 0
	for {
		ch := f.Changed()
		if cond(f.Status()) {
			return nil
		}
		if failFast {
			evs := f.Events()
			for _, e := range evs[seen:] {
				switch e.Kind {
				case "start_failed", "ready_failed", "exit":
					return fmt.Errorf("instance %s: %s: %s", e.Instance, e.Kind, e.Detail)
				}
			}
			seen = len(evs)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for capacity (now %s): %w", describe(f.Status()), ctx.Err())
		}
	}
}

func describe(s platform.Status) string {
	return fmt.Sprintf("desired %d, pending %d, in service %d", s.Desired, s.Pending, s.InService)
}
