package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/deploybench/deploybench/results"
)

// Recommendation is the answer to "where should this run".
type Recommendation struct {
	// Choice is the platform name recommended; empty when no platform met the SLO.
	Choice   string   `json:"choice"`
	Reason   string   `json:"reason"`
	RunnerUp string   `json:"runner_up,omitempty"`
	Flips    []string `json:"flips,omitempty"`
}

// costOf is the figure platforms are compared by: the projected monthly cost when the
// scenario has production traffic, else the run's cost per million requests.
func costOf(p results.Platform, monthly bool) float64 {
	if monthly {
		return p.Monthly
	}
	return p.PerMillion
}

// Recommend picks the cheapest platform that met the SLO. Ties on cost go to the lower
// p95. Platforms that failed or served nothing are never chosen.
func Recommend(run results.Run) Recommendation {
	monthly := run.Assumptions.TrafficPerMonth > 0
	unit := "per million requests"
	if monthly {
		unit = "per month at " + run.Assumptions.Traffic
	}
	var met, missed []results.Platform
	for _, p := range run.Platforms {
		if p.Status == "failed" || p.Requests == 0 {
			continue
		}
		if p.SLOMet {
			met = append(met, p)
		} else {
			missed = append(missed, p)
		}
	}
	less := func(ps []results.Platform) func(i, j int) bool {
		return func(i, j int) bool {
			ci, cj := costOf(ps[i], monthly), costOf(ps[j], monthly)
			if ci != cj {
				return ci < cj
			}
			return ps[i].LatencyMs.P95 < ps[j].LatencyMs.P95
		}
	}
	sort.SliceStable(met, less(met))
	var rec Recommendation
	if len(met) == 0 {
		rec.Reason = "no platform met the SLO " + sloText(run.SLO)
		if len(missed) > 0 {
			sort.SliceStable(missed, func(i, j int) bool { return missed[i].LatencyMs.P95 < missed[j].LatencyMs.P95 })
			rec.Reason += fmt.Sprintf("; the closest was %s (p95 %s, errors %s: %s)", missed[0].Name,
				ms(missed[0].LatencyMs.P95), pct(missed[0].ErrorRate), strings.Join(missed[0].SLOViolations, ", "))
		}
	} else {
		best := met[0]
		rec.Choice = best.Name
		rec.Reason = fmt.Sprintf("cheapest platform that met the SLO %s: %s %s, p95 %s, errors %s",
			sloText(run.SLO), money(costOf(best, monthly)), unit, ms(best.LatencyMs.P95), pct(best.ErrorRate))
		if len(met) > 1 {
			ru := met[1]
			rec.RunnerUp = fmt.Sprintf("%s (%s %s, p95 %s)", ru.Name, money(costOf(ru, monthly)), unit, ms(ru.LatencyMs.P95))
		}
		var cheaperMissed []string
		for _, p := range missed {
			if costOf(p, monthly) < costOf(best, monthly) {
				cheaperMissed = append(cheaperMissed, fmt.Sprintf("%s would cost %s but missed the SLO (%s)", p.Name, money(costOf(p, monthly)), strings.Join(p.SLOViolations, ", ")))
			}
		}
		rec.Flips = append(rec.Flips, cheaperMissed...)
	}
	if be := run.BreakEven; be != nil {
		for _, f := range be.Flips {
			rec.Flips = append(rec.Flips, fmt.Sprintf("at %s requests/month the cheapest changes from %s to %s", count(f.TrafficPerMonth), f.From, f.To))
		}
	}
	for _, p := range run.Platforms {
		if p.ColdStarts > 0 && p.SLOMet {
			rec.Flips = append(rec.Flips, fmt.Sprintf("%s had %d cold starts; spikier traffic means more of them", p.Name, p.ColdStarts))
		}
	}
	return rec
}

func sloText(s string) string {
	if s == "" {
		return "(none set)"
	}
	return "(" + s + ")"
}

func ms(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v >= 1000:
		return fmt.Sprintf("%.2fs", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0fms", v)
	case v >= 10:
		return fmt.Sprintf("%.1fms", v)
	default:
		return fmt.Sprintf("%.2fms", v)
	}
}

func pct(v float64) string { return fmt.Sprintf("%.2f%%", v*100) }

func money(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v < 0.01:
		return fmt.Sprintf("$%.5f", v)
	case v < 100:
		return fmt.Sprintf("$%.2f", v)
	default:
		return fmt.Sprintf("$%.0f", v)
	}
}

func count(v float64) string {
	switch {
	case v >= 1e9:
		return trimZero(fmt.Sprintf("%.2f", v/1e9)) + " B"
	case v >= 1e6:
		return trimZero(fmt.Sprintf("%.2f", v/1e6)) + " M"
	case v >= 1e3:
		return trimZero(fmt.Sprintf("%.2f", v/1e3)) + " k"
	default:
		return trimZero(fmt.Sprintf("%.2f", v))
	}
}

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func duration(sec float64) string {
	switch {
	case sec < 0:
		return "-"
	case sec < 120:
		return fmt.Sprintf("%.1fs", sec)
	case sec < 7200:
		return fmt.Sprintf("%.1fmin", sec/60)
	default:
		return fmt.Sprintf("%.1fh", sec/3600)
	}
}
