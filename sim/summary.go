package sim

import (
	"fmt"
	"math"

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
	be := &results.BreakEven{}
	for _, pt := range a.Points {
		be.Traffic = append(be.Traffic, projection.RequestsPerMonth(pt.RPS))
	}
	for i, p := range a.Platforms {
		ser := results.Series{Label: string(p)}
		for _, pt := range a.Points {
			v := -1.0
			if e := pt.Estimates[i]; e.Feasible {
				v = e.Monthly
			}
			ser.Values = append(ser.Values, v)
		}
		be.Series = append(be.Series, ser)
	}
	for _, c := range stableFlips(a.Crossovers, hi) {
		be.Flips = append(be.Flips, results.Flip{TrafficPerMonth: projection.RequestsPerMonth(c.RPS), From: string(c.From), To: string(c.To)})
	}
	return be, nil
}

// minStableSpan is how wide (as a traffic ratio) a stretch where one platform is cheapest
// must be to be reported: costs step with whole instances, so near a tie the cheapest
// flips back and forth within a few per cent of traffic, which means "about the same".
const minStableSpan = 1.5

// stableFlips keeps the crossovers that open a stretch at least minStableSpan wide.
func stableFlips(cs []projection.Crossover, hi float64) []projection.Crossover {
	if len(cs) == 0 {
		return nil
	}
	type seg struct {
		from float64
		p    projection.Platform
	}
	segs := []seg{{0, cs[0].From}}
	for _, c := range cs {
		segs = append(segs, seg{c.RPS, c.To})
	}
	var kept []seg
	for i, sg := range segs {
		end := hi
		if i+1 < len(segs) {
			end = segs[i+1].from
		}
		if i > 0 && end/sg.from < minStableSpan {
			continue
		}
		if len(kept) > 0 && kept[len(kept)-1].p == sg.p {
			continue
		}
		kept = append(kept, sg)
	}
	var out []projection.Crossover
	for i := 1; i < len(kept); i++ {
		out = append(out, projection.Crossover{RPS: kept[i].from, From: kept[i-1].p, To: kept[i].p})
	}
	return out
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
	mean := projection.RPSFromMonthly(perMonth)
	total := 0.0
	for h := 0; h < 24; h++ {
		rps := mean
		if shape == "diurnal" {
			rps = mean * (1 + 0.8*math.Sin(2*math.Pi*float64(h)/24))
		}
		e, err := projection.Monthly(book, b.Projection, rps, w, b.ProjOptions)
		if err != nil {
			return 0, "projection: " + err.Error()
		}
		if !e.Feasible {
			return 0, "projection: " + e.Reason
		}
		total += e.Monthly
	}
	return total / 24, ""
}
