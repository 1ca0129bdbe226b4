package result

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// clientLagWarnMs is the p99 send delay beyond which the summary warns that the client,
// not the service, may be shaping the latencies.
const clientLagWarnMs = 10

// WriteSummary writes the human-readable end-of-run table.
func (r *Result) WriteSummary(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	state := "complete"
	if r.Partial {
		state = "PARTIAL (stopped early)"
	}
	fmt.Fprintf(w, "load %s → %s: %.1fs, %s\n", r.Executor, r.Target, r.DurationS, state)
	intended := "no schedule (closed model)"
	if r.LatencyBasis != BasisSent {
		intended = fmt.Sprintf("%.1f/s intended", r.RateIntended)
	}
	fmt.Fprintf(tw, "requests\t%d\t%.1f/s achieved, %s, %.1f/s without errors\n", r.Requests, r.RateAchieved, intended, r.Throughput)
	fmt.Fprintf(tw, "errors\t%d\t%.2f%%\n", r.Errors, 100*r.ErrorRate)
	fmt.Fprintf(tw, "dropped\t%d\tarrivals over the in-flight cap (peak in flight %d)\n", r.Dropped, r.MaxInFlight)
	if r.Canceled > 0 {
		fmt.Fprintf(tw, "canceled\t%d\tin flight when stopped\n", r.Canceled)
	}
	fmt.Fprintf(tw, "bytes\t%d\tresponse bodies\n", r.Bytes)
	fmt.Fprintf(tw, "outcomes\t%s\n", outcomeList(r.Outcomes))
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "latency ms\tmin\tp50\tp90\tp95\tp99\tp99.9\tmax\tmean")
	basis := "from intended send"
	if r.LatencyBasis == BasisSent {
		basis = "from send"
	}
	latencyRow(tw, "total ("+basis+")", r.Latency)
	latencyRow(tw, "service (from send)", r.ServiceLatency)
	if r.LatencyBasis == BasisIntended {
		latencyRow(tw, "send delay (client)", r.SendDelay)
	}
	for _, s := range r.Stages {
		latencyRow(tw, s.Name, s.Latency)
	}
	if r.SendDelay.P99 > clientLagWarnMs {
		fmt.Fprintf(tw, "note: 1%% of requests left the client over %.1f ms late; the machine running the load may be overloaded\n", r.SendDelay.P99)
	}
	if len(r.Stages) > 0 {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "stage\tstart s\tlength s\trequests\terrors\tdropped\tintended/s\tachieved/s")
		for _, s := range r.Stages {
			fmt.Fprintf(tw, "%s\t%.2f\t%.3f\t%d\t%d\t%d\t%.1f\t%.1f\n", s.Name, s.StartS, s.DurationS, s.Requests, s.Errors, s.Dropped, s.RateIntended, s.RateAchieved)
		}
	}
	return tw.Flush()
}

func latencyRow(w io.Writer, name string, l Latency) {
	fmt.Fprintf(w, "%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", name, l.Min, l.P50, l.P90, l.P95, l.P99, l.P999, l.Max, l.Mean)
}

// outcomeList lists the non-zero outcomes in report order.
func outcomeList(m map[string]int64) string {
	var parts []string
	for _, name := range OutcomeKeys {
		if n := m[name]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
