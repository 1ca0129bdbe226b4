package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/deploybench/deploybench/results"
)

// Table writes the comparison table: the reference studies' columns (latency, billed
// time, $/hour per service and size) and the rest deploybench measures.
func Table(w io.Writer, run results.Run) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "platform\tsize\tp50\tp95\tp99\terrors\tcold\tscale-out\tpeak\tbilled\trun cost\t$/h peak\t$/M req\t$/month\tSLO\t")
	for _, p := range run.Platforms {
		slo := "met"
		switch {
		case p.Status == "failed":
			slo = "FAILED"
		case !p.SLOMet:
			slo = "missed"
		}
		if p.Status == "partial" {
			slo += "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			p.Name, p.Size, ms(p.LatencyMs.P50), ms(p.LatencyMs.P95), ms(p.LatencyMs.P99), pct(p.ErrorRate),
			p.ColdStarts, duration(p.ScaleOutSeconds), p.PeakCapacity, duration(p.BilledSeconds),
			money(p.RunCost), money(p.HourlyAtPeak), money(p.PerMillion), money(p.Monthly), slo)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	a := run.Assumptions
	mode := run.Mode
	if run.Partial {
		mode += ", PARTIAL (interrupted)"
	}
	fmt.Fprintf(w, "\n%s run; timescale %gx (control-plane delays divided, service time real; billed time is platform time, %g× wall time); 1 vCPU = %g host core; %s; prices %s %s\n",
		mode, a.Timescale, a.Timescale, a.VCPUFraction, orDash(a.Limits), a.Region, orDash(a.PriceDate))
	if a.Traffic != "" {
		fmt.Fprintf(w, "$/month projected for %s\n", a.Traffic)
	}
	for _, p := range run.Platforms {
		if p.Error != "" {
			fmt.Fprintf(w, "%s: %s\n", p.Name, p.Error)
		}
		for _, n := range p.Notes {
			fmt.Fprintf(w, "%s: %s\n", p.Name, n)
		}
	}
	rec := Recommend(run)
	if rec.Choice != "" {
		fmt.Fprintf(w, "\nRecommendation: %s — %s\n", rec.Choice, rec.Reason)
	} else {
		fmt.Fprintf(w, "\nRecommendation: none — %s\n", rec.Reason)
	}
	if rec.RunnerUp != "" {
		fmt.Fprintf(w, "Runner-up: %s\n", rec.RunnerUp)
	}
	for _, f := range rec.Flips {
		fmt.Fprintf(w, "  - %s\n", f)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// CSV writes one row per platform for spreadsheets.
func CSV(w io.Writer, run results.Run) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"platform", "kind", "size", "runtime", "status", "requests", "errors", "error_rate",
		"p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms", "rate", "cold_starts", "scale_out_s", "peak_capacity",
		"billed_s", "run_cost", "hourly_at_peak", "per_million", "monthly", "slo_met", "slo_violations"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	for _, p := range run.Platforms {
		cw.Write([]string{p.Name, p.Kind, p.Size, p.Runtime, p.Status, strconv.FormatInt(p.Requests, 10),
			strconv.FormatInt(p.Errors, 10), f(p.ErrorRate), f(p.LatencyMs.P50), f(p.LatencyMs.P90), f(p.LatencyMs.P95),
			f(p.LatencyMs.P99), f(p.LatencyMs.Max), f(p.RateAchieved), strconv.FormatInt(p.ColdStarts, 10),
			f(p.ScaleOutSeconds), strconv.Itoa(p.PeakCapacity), f(p.BilledSeconds), f(p.RunCost), f(p.HourlyAtPeak),
			f(p.PerMillion), f(p.Monthly), strconv.FormatBool(p.SLOMet), strings.Join(p.SLOViolations, "; ")})
	}
	cw.Flush()
	return cw.Error()
}

// Summary is summary.json: the run plus the recommendation.
type Summary struct {
	results.Run
	Recommendation Recommendation `json:"recommendation"`
}
