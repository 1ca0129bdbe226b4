package runner

import (
	"fmt"
	"math"

	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
)

// diurnalAmplitude shapes a "diurnal" day: rate(h) = mean × (1 + A·sin(2πh/24)), so the
// peak is 1.8× and the trough 0.2× the mean — a common web-traffic shape.
const diurnalAmplitude = 0.8

// hourlyRates returns the 24 hourly request rates of a day with the given mean and shape.
func hourlyRates(meanRPS float64, shape string) []float64 {
	out := make([]float64, 24)
	for h := range out {
		out[h] = meanRPS
		if shape == "diurnal" {
			out[h] = meanRPS * (1 + diurnalAmplitude*math.Sin(2*math.Pi*float64(h)/24))
		}
	}
	return out
}

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
	mean := projection.RPSFromMonthly(perMonth)
	total := 0.0
	for _, rps := range hourlyRates(mean, shape) {
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
	be := &results.BreakEven{}
	for _, pt := range a.Points {
		be.Traffic = append(be.Traffic, projection.RequestsPerMonth(pt.RPS))
	}
	for i, p := range a.Platforms {
		ser := results.Series{Label: string(p)}
		for _, pt := range a.Points {
			v := -1.0 // infeasible (JSON has no NaN)
			if e := pt.Estimates[i]; e.Feasible {
				v = e.Monthly
			}
			ser.Values = append(ser.Values, v)
		}
		be.Series = append(be.Series, ser)
	}
	for _, c := range stableCrossovers(a.Crossovers, hi) {
		be.Flips = append(be.Flips, results.Flip{TrafficPerMonth: projection.RequestsPerMonth(c.RPS), From: string(c.From), To: string(c.To)})
	}
	return be, nil
}

// minStableSpan is how wide (as a traffic ratio) a stretch where one platform is cheapest
// must be to be reported. Costs are step functions of whole instances and tasks, so near
// a tie the cheapest flips back and forth within a few per cent of traffic; those flips
// say "about the same", not "the answer changes here".
const minStableSpan = 1.5

// stableCrossovers drops the crossovers that open a stretch narrower than minStableSpan
// and merges what remains, keeping the points where the answer really changes.
func stableCrossovers(cs []projection.Crossover, hi float64) []projection.Crossover {
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
