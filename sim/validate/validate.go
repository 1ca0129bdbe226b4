// Package validate compares a simulated results directory with a reference one of the
// same scenario — a live run, or the simulator's per-request mode for its aggregated mode
// — and prints the side-by-side table the simulator is judged by.
package validate

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/results"
)

// Tolerances of the validation: what "the simulator agrees with a live run" means.
const (
	// LatencyTolerance bounds |sim − live| / live for p50 and p95.
	LatencyTolerance = 0.15
	// CostTolerance bounds |sim − live| / live for the billed cost.
	CostTolerance = 0.05
	// CapacityAgreement is the share of timeline points whose in-service capacity must
	// be within one unit of the live run's ("most of the time").
	CapacityAgreement = 0.9
)

// Row is one platform's side-by-side comparison.
type Row struct {
	Name              string
	LiveP50, SimP50   float64
	LiveP95, SimP95   float64
	LiveCost, SimCost float64
	CapacityWithinOne float64 // share of live points with |sim − live| ≤ 1
	LiveReqs, SimReqs int64
	LivePeak, SimPeak int
	Missing           string // why the platform could not be compared
	// Stalled is how many live seconds were left out of the latency comparison as host
	// stalls (load.Stalled); Seconds is how many the live timeline has. With stalls,
	// Clean* are the p50 and p95 over the other seconds, live and simulated (the
	// simulation leaves out the same seconds: sim.Options.LeaveOut), and the verdict
	// uses them.
	Stalled, Seconds          int
	CleanLiveP50, CleanSimP50 float64
	CleanLiveP95, CleanSimP95 float64
}

// latencies returns the p50 and p95 pairs the verdict is on: the whole run's, or,
// when the live run had host stalls, those of the seconds without them.
func (r Row) latencies() (liveP50, simP50, liveP95, simP95 float64) {
	if r.Stalled > 0 {
		return r.CleanLiveP50, r.CleanSimP50, r.CleanLiveP95, r.CleanSimP95
	}
	return r.LiveP50, r.SimP50, r.LiveP95, r.SimP95
}

// Validation is the comparison of a simulated and a live results directory.
type Validation struct {
	// Ref labels the reference columns: "live", or "ref" for a simulated reference.
	Ref  string
	Rows []Row
}

func relErr(sim, live float64) float64 {
	if live == 0 {
		if sim == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Abs(sim-live) / live
}

// OK reports whether every compared platform is within the tolerances.
func (r Row) OK() bool {
	lp50, sp50, lp95, sp95 := r.latencies()
	return r.Missing == "" && relErr(sp50, lp50) <= LatencyTolerance && relErr(sp95, lp95) <= LatencyTolerance &&
		relErr(r.SimCost, r.LiveCost) <= CostTolerance && r.CapacityWithinOne >= CapacityAgreement
}

// OK reports whether every platform agrees.
func (v *Validation) OK() bool {
	for _, r := range v.Rows {
		if !r.OK() {
			return false
		}
	}
	return len(v.Rows) > 0
}

// Compare reads a live and a simulated results directory of the same scenario.
func Compare(liveDir, simDir string) (*Validation, error) {
	live, err := results.Read(liveDir)
	if err != nil {
		return nil, fmt.Errorf("--validate: %w", err)
	}
	simd, err := results.Read(simDir)
	if err != nil {
		return nil, err
	}
	v := &Validation{Ref: "live"}
	if live.Run.Mode != "live" { // e.g. per-request mode as the reference of aggregated mode
		v.Ref = "ref"
	}
	for _, lp := range live.Run.Platforms {
		row := Row{Name: lp.Name, LiveP50: lp.LatencyMs.P50, LiveP95: lp.LatencyMs.P95, LiveCost: lp.RunCost,
			LiveReqs: lp.Requests, LivePeak: lp.PeakCapacity}
		var sp *results.Platform
		for i := range simd.Run.Platforms {
			if simd.Run.Platforms[i].Name == lp.Name {
				sp = &simd.Run.Platforms[i]
			}
		}
		switch {
		case sp == nil:
			row.Missing = "not simulated"
		case sp.Status == "failed":
			row.Missing = "simulation failed: " + sp.Error
		case lp.Status != "ok":
			row.Missing = "live run " + lp.Status
		}
		if sp != nil {
			row.SimP50, row.SimP95, row.SimCost, row.SimReqs, row.SimPeak = sp.LatencyMs.P50, sp.LatencyMs.P95, sp.RunCost, sp.Requests, sp.PeakCapacity
			lt := live.Timelines[lp.Name]
			row.CapacityWithinOne = capacityAgreement(lt, simd.Timelines[lp.Name])
			row.Seconds = len(lt)
			if ls := lp.LatencySteadyMs; ls != nil && lp.StallSeconds > 0 {
				row.Stalled = lp.StallSeconds
				row.CleanLiveP50, row.CleanLiveP95 = ls.P50, ls.P95
				if ss := sp.LatencySteadyMs; ss != nil && row.Missing == "" {
					row.CleanSimP50, row.CleanSimP95 = ss.P50, ss.P95
				} else if row.Missing == "" {
					row.Missing = "simulated without the live run's stall seconds (simulate --validate LIVE_DIR leaves them out)"
				}
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// capacityAgreement is the share of live timeline points whose capacity is within one
// unit of the simulated capacity at the same offset.
func capacityAgreement(live, sim []results.Point) float64 {
	if len(live) == 0 || len(sim) == 0 {
		return 0
	}
	ok, j := 0, 0
	for _, p := range live {
		for j+1 < len(sim) && sim[j+1].T <= p.T {
			j++
		}
		if d := p.Capacity - sim[j].Capacity; d >= -1 && d <= 1 {
			ok++
		}
	}
	return float64(ok) / float64(len(live))
}

// Table prints the side-by-side table.
func (v *Validation) Table(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	r := v.Ref
	fmt.Fprintf(tw, "platform\tp50 %s\tp50 sim\tΔ\tp95 %s\tp95 sim\tΔ\tcost %s\tcost sim\tΔ\tcapacity ±1\trequests %s/sim\tverdict\t\n", r, r, r, r)
	for _, r := range v.Rows {
		verdict := "ok"
		if r.Missing != "" {
			verdict = r.Missing
		} else if !r.OK() {
			verdict = "OUTSIDE"
		}
		fmt.Fprintf(tw, "%s\t%.2f ms\t%.2f ms\t%s\t%.2f ms\t%.2f ms\t%s\t$%.5f\t$%.5f\t%s\t%.0f%%\t%d/%d\t%s\t\n", r.Name,
			r.LiveP50, r.SimP50, pct(r.SimP50, r.LiveP50), r.LiveP95, r.SimP95, pct(r.SimP95, r.LiveP95),
			r.LiveCost, r.SimCost, pct(r.SimCost, r.LiveCost), 100*r.CapacityWithinOne, r.LiveReqs, r.SimReqs, verdict)
	}
	tw.Flush()
	stalls := false
	for _, r := range v.Rows {
		stalls = stalls || r.Stalled > 0
	}
	if stalls {
		fmt.Fprintf(w, "\nwithout the live run's host-stall seconds (the load generator itself sent requests > %v late, and the second after each), in both runs; the verdict above uses these:\n", load.StallLag)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "platform\tseconds left out\tp50 %s\tp50 sim\tΔ\tp95 %s\tp95 sim\tΔ\t\n", v.Ref, v.Ref)
		for _, r := range v.Rows {
			if r.Stalled == 0 {
				fmt.Fprintf(tw, "%s\t0 of %d\t\t\t\t\t\t\t\n", r.Name, r.Seconds)
				continue
			}
			fmt.Fprintf(tw, "%s\t%d of %d\t%.2f ms\t%.2f ms\t%s\t%.2f ms\t%.2f ms\t%s\t\n", r.Name, r.Stalled, r.Seconds,
				r.CleanLiveP50, r.CleanSimP50, pct(r.CleanSimP50, r.CleanLiveP50), r.CleanLiveP95, r.CleanSimP95, pct(r.CleanSimP95, r.CleanLiveP95))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "tolerances: p50 and p95 within %.0f%%, cost within %.0f%%, capacity within one unit at ≥ %.0f%% of the points\n",
		100*LatencyTolerance, 100*CostTolerance, 100*CapacityAgreement)
}

func pct(sim, live float64) string {
	if live == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.1f%%", 100*(sim-live)/live)
}
