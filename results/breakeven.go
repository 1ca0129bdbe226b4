package results

import "github.com/deploybench/deploybench/pricing/projection"

// BreakEvenFrom turns a break-even analysis (traffic in req/s) into the results format
// (traffic in requests per month, -1 where a platform cannot serve the workload, JSON
// having no NaN), keeping only the crossovers where the answer really changes up to hi
// req/s. Live runs and simulations share it.
func BreakEvenFrom(a *projection.Analysis, hi float64) *BreakEven {
	be := &BreakEven{}
	for _, pt := range a.Points {
		be.Traffic = append(be.Traffic, projection.RequestsPerMonth(pt.RPS))
	}
	for i, p := range a.Platforms {
		ser := Series{Label: string(p)}
		for _, pt := range a.Points {
			v := -1.0
			if e := pt.Estimates[i]; e.Feasible {
				v = e.Monthly
			}
			ser.Values = append(ser.Values, v)
		}
		be.Series = append(be.Series, ser)
	}
	for _, c := range projection.StableCrossovers(a.Crossovers, hi) {
		be.Flips = append(be.Flips, Flip{TrafficPerMonth: projection.RequestsPerMonth(c.RPS), From: string(c.From), To: string(c.To)})
	}
	return be
}
