package runner

import (
	"fmt"
	"math"

	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
)

// projectMonthly estimates the monthly cost of serving perMonth requests shaped as shape
// on a platform, with the workload measured on it. Capacity follows the traffic hour by
// hour (autoscaling), except for a fixed single instance, which costs its hourly price.
func projectMonthly(book *pricing.Book, b *Built, w projection.Workload, perMonth float64, shape string) (float64, string) {
	if b.Fixed {
		return (b.UnitHourly + b.FixedHourly) * projection.HoursPerMonth, ""
	}
	if b.Projection == "" || w.Validate() != nil {
		return 0, ""
	}
	return projection.MonthlyShaped(book, b.Projection, w, b.ProjOptions, perMonth, shape)
}

// workloadOf is the per-request CPU time and memory a platform's run measured.
func workloadOf(tl *timeline, served int64) projection.Workload {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	w := projection.Workload{MemoryMB: 128}
	if served > 0 && tl.cpuVCPUSecs > 0 {
		w.CPUSeconds = tl.cpuVCPUSecs / float64(served)
	}
	if tl.memSamples > 0 {
		w.MemoryMB = math.Max(w.MemoryMB, tl.memPerUnit/float64(tl.memSamples))
	}
	return w
}

// breakEven projects monthly cost against traffic for every platform family, from the
// workload measured on the platforms that ran, and finds where the cheapest one changes.
func breakEven(s *scenario.Scenario, run results.Run, w projection.Workload, book *pricing.Book) (*results.BreakEven, error) {
	if w.Validate() != nil {
		return nil, fmt.Errorf("no platform measured the per-request CPU time")
	}
	lo, hi := 0.01, 500.0 // req/s: about 26 k to 1.3 B requests a month
	levels := projection.TrafficLevels(lo, hi)
	a, err := projection.Breakeven(book, w, projection.Options{}, nil, levels, lo, hi)
	if err != nil {
		return nil, err
	}
	return results.BreakEvenFrom(a, hi), nil
}
