package autoscale

import (
	"math"
	"time"
)

// Input is what a policy's Decide sees: the group's capacity and the states of the
// policy's alarms, fetched by the Controller (or a simulator, or a test table).
type Input struct {
	// Now is the decision time.
	Now time.Time
	// Desired is the group's current desired capacity (it includes warming instances).
	Desired int
	// InService counts instances whose metric counts: in service and past warm-up.
	InService int
	// Warming counts instances launched for the group but pending, booting or warming up.
	Warming int
	// Value is the newest visible datapoint of the policy's metric (its first alarm's
	// statistic and period); HasValue is false when that datapoint is missing.
	Value    float64
	HasValue bool
	// MetricSources is the capacity behind Value (Datapoint.Sources): instances that
	// entered service during the period count in part, instances not yet reporting not at
	// all. Zero means InService.
	MetricSources float64
	// Alarms are the states of the policy's alarms, in the order of Policy.Alarms.
	Alarms [2]AlarmState
	// LastSimpleScaling is when a simple scaling policy last changed the group (zero:
	// never); it drives the group-wide simple scaling cooldown.
	LastSimpleScaling time.Time
}

// Decision is a policy's answer. Desired equals Input.Desired when the policy does not act.
type Decision struct {
	// Desired is the capacity the policy wants, before the group's min/max clamp.
	Desired int
	// Reason says why, in a few words (a constant string, so deciding never allocates).
	Reason string
	// VetoScaleIn is set by target tracking policies that are not ready to scale in: EC2
	// Auto Scaling scales in only when every target tracking policy agrees.
	VetoScaleIn bool
}

// Direction classifies a decision relative to the current capacity.
func (d Decision) Direction(current int) int {
	switch {
	case d.Desired > current:
		return 1
	case d.Desired < current:
		return -1
	}
	return 0
}

// Policy is a scaling policy the Controller runs. TargetTracking, StepScaling and
// SimpleScaling implement it.
type Policy interface {
	// Name labels the policy in events.
	Name() string
	// MetricName names the Metric (in the Controller's MetricSource) the policy watches.
	MetricName() string
	// Validate reports the first invalid field of the configuration, after defaults.
	Validate() error
	// Alarms returns the alarms the Controller must evaluate for the policy (1 or 2).
	Alarms() []AlarmConfig
	// Decide is the pure calculator.
	Decide(in Input) Decision
	// prepared fills unset fields from d (un-compressed) and divides durations by
	// timescale; metricPeriod is the period of the policy's metric.
	prepared(d Defaults, timescale float64, metricPeriod time.Duration) Policy
	// isSimple reports whether the policy is bound by the simple scaling cooldown.
	isSimple() bool
}

// AdjustmentType says how a step or simple policy's adjustment is read.
type AdjustmentType int

// The adjustment types; the zero value is ChangeInCapacity.
const (
	// ChangeInCapacity adds the adjustment to the current capacity.
	ChangeInCapacity AdjustmentType = iota
	// ExactCapacity sets the capacity to the adjustment.
	ExactCapacity
	// PercentChangeInCapacity adds adjustment % of the current capacity, rounded as AWS
	// documents (see Adjust).
	PercentChangeInCapacity
)

var adjustmentTypeNames = [...]string{"ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"}

// String returns the AWS spelling.
func (t AdjustmentType) String() string {
	if t < 0 || int(t) >= len(adjustmentTypeNames) {
		return "AdjustmentType(?)"
	}
	return adjustmentTypeNames[t]
}

// Adjust returns the capacity after applying adjustment of type t to current.
//
// PercentChangeInCapacity rounds as EC2 Auto Scaling documents (as-scaling-simple-step.html,
// "Scaling adjustment types"): a change above 1 is rounded down (12.7 → 12), between 0 and 1
// becomes 1, between -1 and 0 becomes -1, below -1 is rounded up (-6.67 → -6). Then, if
// minMagnitude > 0 and the change is smaller than it, the change is raised to ±minMagnitude
// (e.g. 25 % of 4 with MinAdjustmentMagnitude 2 adds 2).
//
// The result is never negative; the group's min/max clamp comes after.
func Adjust(current int, t AdjustmentType, adjustment, minMagnitude int) int {
	return max(0, adjust(current, t, adjustment, minMagnitude))
}

func adjust(current int, t AdjustmentType, adjustment, minMagnitude int) int {
	switch t {
	case ExactCapacity:
		return adjustment
	case PercentChangeInCapacity:
		raw := float64(current) * float64(adjustment) / 100
		var change int
		switch {
		case raw >= 1:
			change = int(math.Floor(raw))
		case raw > 0:
			change = 1
		case raw == 0:
			change = 0
		case raw > -1:
			change = -1
		default:
			change = int(math.Ceil(raw))
		}
		if minMagnitude > 0 && change != 0 && abs(change) < minMagnitude {
			if change > 0 {
				change = minMagnitude
			} else {
				change = -minMagnitude
			}
		}
		return current + change
	default:
		return current + adjustment
	}
}

// Clamp returns n limited to [min, max]: EC2 Auto Scaling clamps every policy and manual
// change to the group's limits (asg-capacity-limits.html).
func Clamp(n, min, max int) int {
	if n < min {
		return min
	}
	if n > max {
		return max
	}
	return n
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ceilCapacity returns ⌈x⌉ with a small tolerance, so that 2 × 75 / 50 = 3.0000000001
// asks for 3 instances, not 4.
func ceilCapacity(x float64) int {
	if math.IsNaN(x) || x <= 0 {
		return 0
	}
	if x > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(math.Ceil(x - 1e-9))
}
