package queue

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the run's figures and a timeline of the service (one row per change
// of running or desired tasks, plus the first and last datapoints).
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "queue workers: %d jobs of %gs, Fargate %g vCPU / %g GB %s, %d–%d tasks, target %g jobs/task, timescale %g, %s, %s\n",
		r.Jobs, r.JobWorkS, r.TaskCPU, r.TaskMemoryGB, r.Arch, r.MinTasks, r.MaxTasks, r.TargetBacklogPerTask, r.Timescale, r.Broker, r.Region)
	fmt.Fprintf(&b, "(times are platform time: wall time × timescale)\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	rows := [][2]string{
		{"tasks while idle", fmt.Sprint(r.IdleTasksMax)},
		{"time to first task", secs(r.TimeToFirstTaskS)},
		{"jobs completed", fmt.Sprintf("%d of %d (%d redelivered)", r.Completed, r.Jobs, r.Redelivered)},
		{"digits classified (built-in SVM)", classified(r)},
		{"job latency p50 / p95 / max", secs(r.LatencyP50S) + " / " + secs(r.LatencyP95S) + " / " + secs(r.LatencyMaxS)},
		{"queue drained after", secs(r.DrainS)},
		{"back to 0 tasks after", secs(r.BackToZeroS)},
		{"tasks started / peak", fmt.Sprintf("%d / %d", r.TasksStarted, r.PeakTasks)},
		{"task time (from image pull)", secs(r.TaskSeconds)},
		{"Fargate cost", fmt.Sprintf("$%.6f", r.CostUSD)},
		{"cost per 1,000 jobs", fmt.Sprintf("$%.6f", r.CostPer1000Jobs)},
	}
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", row[0], row[1])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\ntimeline\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "t (s)\tbacklog\trunning\tdesired\t\n")
	for i, p := range r.Timeline {
		if i > 0 && i < len(r.Timeline)-1 {
			prev := r.Timeline[i-1]
			if p.Running == prev.Running && p.Desired == prev.Desired {
				continue
			}
		}
		fmt.Fprintf(tw, "%.1f\t%d\t%d\t%d\t\n", p.T, p.Backlog, p.Running, p.Desired)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the result as indented JSON.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func classified(r *Result) string {
	if r.Classified == 0 {
		return "none (jobs carry no digit)"
	}
	return fmt.Sprintf("%d, %.1f %% right", r.Classified, r.Accuracy*100)
}

func secs(s float64) string { return fmt.Sprintf("%.1f s", s) }
