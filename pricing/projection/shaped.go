package projection

import (
	"math"

	"github.com/deploybench/deploybench/pricing"
)

// DiurnalAmplitude shapes a "diurnal" day: rate(h) = mean × (1 + A·sin(2πh/24)), so the
// peak is 1.8× and the trough 0.2× the mean — a common web-traffic shape.
const DiurnalAmplitude = 0.8

// HourlyRates returns the 24 hourly request rates of a day with the given mean and shape
// ("flat" or "diurnal").
func HourlyRates(meanRPS float64, shape string) []float64 {
	out := make([]float64, 24)
	for h := range out {
		out[h] = meanRPS
		if shape == "diurnal" {
			out[h] = meanRPS * (1 + DiurnalAmplitude*math.Sin(2*math.Pi*float64(h)/24))
		}
	}
	return out
}

// MonthlyShaped estimates the monthly cost of serving perMonth requests shaped as shape
// on p, with capacity following the traffic hour by hour (autoscaling). An infeasible
// workload returns 0 and the reason.
func MonthlyShaped(book *pricing.Book, p Platform, w Workload, o Options, perMonth float64, shape string) (float64, string) {
	mean := RPSFromMonthly(perMonth)
	total := 0.0
	for _, rps := range HourlyRates(mean, shape) {
		e, err := Monthly(book, p, rps, w, o)
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

// MinStableSpan is how wide (as a traffic ratio) a stretch where one platform is cheapest
// must be to be reported. Costs are step functions of whole instances and tasks, so near
// a tie the cheapest flips back and forth within a few per cent of traffic; those flips
// say "about the same", not "the answer changes here".
const MinStableSpan = 1.5

// StableCrossovers drops the crossovers that open a stretch narrower than MinStableSpan
// (up to hi req/s) and merges what remains, keeping the points where the answer really
// changes.
func StableCrossovers(cs []Crossover, hi float64) []Crossover {
	if len(cs) == 0 {
		return nil
	}
	type seg struct {
		from float64
		p    Platform
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
		if i > 0 && end/sg.from < MinStableSpan {
			continue
		}
		if len(kept) > 0 && kept[len(kept)-1].p == sg.p {
			continue
		}
		kept = append(kept, sg)
	}
	var out []Crossover
	for i := 1; i < len(kept); i++ {
		out = append(out, Crossover{RPS: kept[i].from, From: kept[i-1].p, To: kept[i].p})
	}
	return out
}
