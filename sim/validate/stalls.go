package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/results"
)

// LeaveOut reads a live results directory and returns, by platform name, the seconds of
// its load that were host stalls (load.Stalled: the load generator itself was starved of
// CPU by other work on the machine, and the second after), for sim.Options.LeaveOut: the
// simulation then reports its latency over the same seconds the live run kept. Platforms
// without a load.json, or without stalls, are absent.
func LeaveOut(liveDir string) (map[string][]bool, error) {
	live, err := results.Read(liveDir)
	if err != nil {
		return nil, fmt.Errorf("--validate: %w", err)
	}
	out := map[string][]bool{}
	for _, p := range live.Run.Platforms {
		path := filepath.Join(liveDir, results.PlatformDirName(p.Name), "load.json")
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("--validate: %w", err)
		}
		var res load.Result
		if err := json.Unmarshal(b, &res); err != nil {
			return nil, fmt.Errorf("--validate: %s: %v", path, err)
		}
		st := load.Stalled(res.Windows)
		for _, s := range st {
			if s {
				out[p.Name] = st
				break
			}
		}
	}
	return out, nil
}
