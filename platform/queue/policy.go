package queue

import (
	"fmt"
	"math"
)

// BacklogPolicy is target tracking on backlog per task, the pattern AWS documents for
// queue workers ("Scaling policy based on Amazon SQS", EC2 Auto Scaling user guide,
// as-using-sqs-queue.html): the metric is the backlog divided by the running task count,
// and capacity follows ⌈backlog ÷ target⌉ — target tracking's ⌈capacity × metric ÷
// target⌉ with metric = backlog ÷ capacity.
//
// Two differences from the AWS recipe, both deliberate:
//   - the backlog counts jobs in flight (delivered, not yet acknowledged) as well as the
//     visible ones, so scale-in never removes a task that still holds the last jobs; and
//   - with 0 running tasks the metric is +Inf when jobs wait (AWS's metric math would
//     divide by zero and report no data), so the policy scales from zero, which is what a
//     step-scaling policy on the visible count does in AWS setups with a minimum of 0.
//
// Like autoscale.TargetTracking, it scales out after ScaleOutDatapoints consecutive
// datapoints above the target and scales in after ScaleInDatapoints consecutive
// datapoints below ScaleInRatio × target.
type BacklogPolicy struct {
	// TargetPerTask is the backlog per task to keep (> 0).
	TargetPerTask float64
	// Min and Max bound the task count (0 ≤ Min ≤ Max, Max ≥ 1).
	Min, Max int
	// ScaleOutDatapoints and ScaleInDatapoints are the alarms' consecutive datapoints (≥ 1).
	ScaleOutDatapoints int
	ScaleInDatapoints  int
	// ScaleInRatio places the scale-in threshold at ratio × TargetPerTask, in (0, 1].
	ScaleInRatio float64
}

// Validate reports the first invalid field.
func (p BacklogPolicy) Validate() error {
	switch {
	case !(p.TargetPerTask > 0) || math.IsInf(p.TargetPerTask, 0):
		return fmt.Errorf("target backlog per task: %v must be > 0", p.TargetPerTask)
	case p.Min < 0 || p.Max < 1 || p.Min > p.Max:
		return fmt.Errorf("tasks: min %d / max %d: need 0 ≤ min ≤ max and max ≥ 1", p.Min, p.Max)
	case p.ScaleOutDatapoints < 1 || p.ScaleInDatapoints < 1:
		return fmt.Errorf("datapoints: scale-out %d / scale-in %d must be ≥ 1", p.ScaleOutDatapoints, p.ScaleInDatapoints)
	case !(p.ScaleInRatio > 0 && p.ScaleInRatio <= 1):
		return fmt.Errorf("scale-in ratio: %v must be in (0, 1]", p.ScaleInRatio)
	}
	return nil
}

// PolicyState is what the policy remembers between datapoints: the lengths of the current
// runs of breaching datapoints. The zero value is the start.
type PolicyState struct {
	High, Low int
}

// BacklogPerTask is the metric: backlog ÷ running tasks; +Inf with jobs and no task.
func BacklogPerTask(backlog, running int) float64 {
	switch {
	case running > 0:
		return float64(backlog) / float64(running)
	case backlog > 0:
		return math.Inf(1)
	}
	return 0
}

// Decide takes one datapoint (backlog and running tasks) and the current desired count,
// and returns the new desired count, the updated state and a reason ("" when unchanged).
func (p BacklogPolicy) Decide(st PolicyState, backlog, running, desired int) (int, PolicyState, string) {
	m := BacklogPerTask(backlog, running)
	if m > p.TargetPerTask {
		st.High++
	} else {
		st.High = 0
	}
	if m < p.ScaleInRatio*p.TargetPerTask {
		st.Low++
	} else {
		st.Low = 0
	}
	want := min(max(int(math.Ceil(float64(backlog)/p.TargetPerTask-1e-9)), p.Min), p.Max)
	switch {
	case st.High >= p.ScaleOutDatapoints && want > desired:
		st.High = 0
		return want, st, fmt.Sprintf("backlog per task %s > %g for %d datapoints: %d → %d", fmtMetric(m), p.TargetPerTask, p.ScaleOutDatapoints, desired, want)
	case st.Low >= p.ScaleInDatapoints && want < desired:
		st.Low = 0
		return want, st, fmt.Sprintf("backlog per task %s < %g for %d datapoints: %d → %d", fmtMetric(m), p.ScaleInRatio*p.TargetPerTask, p.ScaleInDatapoints, desired, want)
	case desired < p.Min || desired > p.Max:
		return min(max(desired, p.Min), p.Max), st, "clamped to [min, max]"
	}
	return desired, st, ""
}

func fmtMetric(m float64) string {
	if math.IsInf(m, 1) {
		return "∞ (no running task)"
	}
	return fmt.Sprintf("%.3g", m)
}
