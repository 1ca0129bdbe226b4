package sim

import (
	"fmt"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/load/threshold"
	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/results"
)

// timeline accumulates what is sampled at every point, as the runner does live: CPU
// used (for the per-request workload), peak capacity and the scale-out time.
type timeline struct {
	unitVCPU    float64
	cpuVCPUSecs float64
	initial     int
	demandAt    float64
	readyAt     float64
	peak        int
	lastT       float64
}

func (tl *timeline) observe(t float64, st platform.Status) {
	if st.Desired > tl.initial && tl.demandAt < 0 {
		tl.demandAt = t
	}
	if st.InService > tl.initial && tl.readyAt < 0 && tl.demandAt >= 0 {
		tl.readyAt = t
	}
	tl.peak = max(tl.peak, st.InService)
	if t > tl.lastT {
		tl.cpuVCPUSecs += st.CPU / 100 * float64(st.InService) * tl.unitVCPU * (t - tl.lastT)
	}
	tl.lastT = t
}

func (tl *timeline) scaleOut() float64 {
	if tl.demandAt < 0 || tl.readyAt < 0 {
		return -1
	}
	return tl.readyAt - tl.demandAt
}

// checkSLO evaluates the scenario's SLO on the simulated summary with the load
// package's own thresholds.
func checkSLO(slo string, pr results.Platform) []string {
	ths, err := threshold.Parse(slo)
	if err != nil {
		return []string{"slo: " + err.Error()}
	}
	l := pr.LatencyMs
	r := &load.Result{Requests: pr.Requests, Errors: pr.Errors, ErrorRate: pr.ErrorRate, RateAchieved: pr.RateAchieved,
		Latency: load.Latency{P50: l.P50, P90: l.P90, P95: l.P95, P99: l.P99, Max: l.Max}}
	var out []string
	for _, v := range threshold.Check(ths, r) {
		out = append(out, v.String())
	}
	return out
}

// breakEven projects monthly cost against traffic for every platform family from the
// simulated per-request workload, as a live run does from its measured one.
func breakEven(w projection.Workload, book *pricing.Book) (*results.BreakEven, error) {
	if err := w.Validate(); err != nil {
		return nil, fmt.Errorf("no platform measured the per-request CPU time: %v", err)
	}
	lo, hi := 0.01, 10000.0
	levels := projection.TrafficLevels(lo, hi)
	a, err := projection.Breakeven(book, w, projection.Options{}, nil, levels, lo, hi)
	if err != nil {
		return nil, err
	}
	return results.BreakEvenFrom(a, hi), nil
}

// projectMonthly estimates a month of the scenario's production traffic from the
// simulated per-request workload, hour by hour of a day of the given shape, as live runs
// do; used when the simulation itself is shorter than a day.
func projectMonthly(book *pricing.Book, b *Built, w projection.Workload, perMonth float64, shape string) (float64, string) {
	if b.Fixed {
		return (b.UnitHourly + b.FixedHourly) * projection.HoursPerMonth, ""
	}
	if w.Validate() != nil {
		return 0, ""
	}
	return projection.MonthlyShaped(book, b.Projection, w, b.ProjOptions, perMonth, shape)
}
