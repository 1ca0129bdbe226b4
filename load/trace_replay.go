package load

import (
	"fmt"
	"os"

	"github.com/deploybench/deploybench/load/schedule"
)

// traceReplay replays a recorded trace (per-second offsets or per-minute counts, see
// schedule.ParseTrace) as an open-model schedule, optionally time-compressed.
type traceReplay struct{ openLoop }

func newTraceReplay(c Config) (*traceReplay, error) {
	f, err := os.Open(c.Trace)
	if err != nil {
		return nil, fmt.Errorf("load.trace: %v", err)
	}
	defer f.Close()
	s, err := schedule.ParseTrace(f, c.TraceSpeedup)
	if err != nil {
		return nil, fmt.Errorf("load.trace: %s: %v", c.Trace, err)
	}
	return &traceReplay{openLoop{sched: s, spacing: spacingOf(c), seed: c.Seed}}, nil
}

func (*traceReplay) stages() []*stageRec { return nil }
