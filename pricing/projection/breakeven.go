package projection

import (
	"fmt"
	"math"
	"strconv"

	"github.com/deploybench/deploybench/pricing"
)

// Point is the monthly cost of every platform at one traffic level.
type Point struct {
	RPS       float64
	Estimates []Estimate // in the order of Analysis.Platforms
	Cheapest  Platform   // "" if none is feasible
}

// Crossover is a traffic level where the cheapest platform changes.
type Crossover struct {
	RPS  float64  `json:"rps"`
	From Platform `json:"from"`
	To   Platform `json:"to"`
}

// Analysis is a break-even study: costs over a range of traffic and the crossovers.
type Analysis struct {
	Platforms  []Platform
	Points     []Point
	Crossovers []Crossover
}

// RequestsPerMonth converts a rate to monthly requests (730-hour month).
func RequestsPerMonth(rps float64) float64 { return rps * HoursPerMonth * 3600 }

// RPSFromMonthly converts monthly requests to an average rate.
func RPSFromMonthly(n float64) float64 { return n / (HoursPerMonth * 3600) }

// TrafficLevels returns the 1-2-5 series from lo to hi (inclusive where it lands), the
// rows of a break-even table.
func TrafficLevels(lo, hi float64) []float64 {
	var out []float64
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi*1.0000001; e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo*0.9999999 && v <= hi*1.0000001 {
				out = append(out, roundSig(v))
			}
		}
	}
	return out
}

// roundSig removes the float noise of m × 10^e (0.1 + ... artefacts) for clean table rows.
func roundSig(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	return r
}

// Breakeven projects every platform at the traffic levels and finds the crossovers
// between lo and hi req/s: a 200-point logarithmic scan, then bisection of every interval
// where the cheapest platform changes, to 0.1 % of the rate. Costs are step functions of
// traffic (whole instances and tasks), so several crossovers between the same two
// platforms are possible and are all reported when the scan sees them.
func Breakeven(book *pricing.Book, w Workload, o Options, platforms []Platform, levels []float64, lo, hi float64) (*Analysis, error) {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return nil, fmt.Errorf("traffic range %v–%v req/s is not valid (want 0 < min < max)", lo, hi)
	}
	if len(platforms) == 0 {
		platforms = Platforms
	}
	a := &Analysis{Platforms: platforms}
	o.miChoice = map[int]string{}
	cheapest := func(rps float64) (Point, error) {
		pt := Point{RPS: rps}
		best := math.Inf(1)
		for _, p := range platforms {
			e, err := Monthly(book, p, rps, w, o)
			if err != nil {
				return pt, err
			}
			pt.Estimates = append(pt.Estimates, e)
			if e.Feasible && e.Monthly < best {
				best, pt.Cheapest = e.Monthly, p
			}
		}
		return pt, nil
	}
	for _, rps := range levels {
		pt, err := cheapest(rps)
		if err != nil {
			return nil, err
		}
		a.Points = append(a.Points, pt)
	}
	const scan = 200
	prevRPS := lo
	prev, err := cheapest(lo)
	if err != nil {
		return nil, err
	}
	for i := 1; i <= scan; i++ {
		rps := lo * math.Pow(hi/lo, float64(i)/scan)
		cur, err := cheapest(rps)
		if err != nil {
			return nil, err
		}
		if cur.Cheapest != prev.Cheapest {
			// Bisect [prevRPS, rps] (geometric) for the first rate where prev stops winning.
			a0, b0 := prevRPS, rps
			for b0/a0 > 1.001 {
				m := math.Sqrt(a0 * b0)
				mp, err := cheapest(m)
				if err != nil {
					return nil, err
				}
				if mp.Cheapest == prev.Cheapest {
					a0 = m
				} else {
					b0 = m
				}
			}
			to, err := cheapest(b0)
			if err != nil {
				return nil, err
			}
			a.Crossovers = append(a.Crossovers, Crossover{RPS: b0, From: prev.Cheapest, To: to.Cheapest})
			if to.Cheapest != cur.Cheapest {
				// Another change inside the same interval: continue scanning from b0.
				prev, prevRPS = to, b0
				i--
				continue
			}
		}
		prev, prevRPS = cur, rps
	}
	return a, nil
}
