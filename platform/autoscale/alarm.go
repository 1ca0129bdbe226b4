package autoscale

import (
	"fmt"
	"time"
)

// Comparison is a CloudWatch alarm's ComparisonOperator.
type Comparison int

// The comparison operators of metric alarms.
const (
	GreaterThanThreshold Comparison = iota
	GreaterThanOrEqualToThreshold
	LessThanThreshold
	LessThanOrEqualToThreshold
)

var comparisonNames = [...]string{"GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"}

// String returns the CloudWatch name of the operator.
func (c Comparison) String() string {
	if c < 0 || int(c) >= len(comparisonNames) {
		return fmt.Sprintf("Comparison(%d)", int(c))
	}
	return comparisonNames[c]
}

// breaches reports whether v breaches threshold t under c.
func (c Comparison) breaches(v, t float64) bool {
	switch c {
	case GreaterThanThreshold:
		return v > t
	case GreaterThanOrEqualToThreshold:
		return v >= t
	case LessThanThreshold:
		return v < t
	case LessThanOrEqualToThreshold:
		return v <= t
	}
	return false
}

// TreatMissing is a CloudWatch alarm's TreatMissingData.
type TreatMissing int

// The TreatMissingData options; the zero value is CloudWatch's default, "missing".
const (
	// MissingData ("missing"): missing datapoints are skipped; if every datapoint of the
	// evaluation range is missing the alarm goes to INSUFFICIENT_DATA.
	MissingData TreatMissing = iota
	// NotBreaching ("notBreaching"): missing datapoints count as within the threshold.
	NotBreaching
	// Breaching ("breaching"): missing datapoints count as breaching.
	Breaching
	// Ignore ("ignore"): missing datapoints are skipped and, if all are missing, the alarm
	// keeps its current state.
	Ignore
)

var treatMissingNames = [...]string{"missing", "notBreaching", "breaching", "ignore"}

// String returns the CloudWatch spelling.
func (t TreatMissing) String() string {
	if t < 0 || int(t) >= len(treatMissingNames) {
		return fmt.Sprintf("TreatMissing(%d)", int(t))
	}
	return treatMissingNames[t]
}

// AlarmState is a CloudWatch alarm state. The zero value, INSUFFICIENT_DATA, is the state
// of a new alarm.
type AlarmState int

// The alarm states.
const (
	InsufficientData AlarmState = iota
	OK
	Alarm
)

var alarmStateNames = [...]string{"INSUFFICIENT_DATA", "OK", "ALARM"}

// String returns the CloudWatch spelling.
func (s AlarmState) String() string {
	if s < 0 || int(s) >= len(alarmStateNames) {
		return fmt.Sprintf("AlarmState(%d)", int(s))
	}
	return alarmStateNames[s]
}

// AlarmConfig is a metric alarm: it goes to ALARM when DatapointsToAlarm of the last
// EvaluationPeriods datapoints breach Threshold.
type AlarmConfig struct {
	// Name labels the alarm in events.
	Name string
	// Statistic reduces each period (default Average).
	Statistic Statistic
	// Period is the datapoint length: a multiple of the metric's period (default: the
	// metric's period).
	Period time.Duration
	// Comparison and Threshold define a breach.
	Comparison Comparison
	Threshold  float64
	// EvaluationPeriods is N; DatapointsToAlarm is M (default N).
	EvaluationPeriods int
	DatapointsToAlarm int
	// TreatMissingData defaults to "missing".
	TreatMissingData TreatMissing
}

func (c AlarmConfig) withDefaults(metricPeriod time.Duration) AlarmConfig {
	if c.Period == 0 {
		c.Period = metricPeriod
	}
	if c.EvaluationPeriods == 0 {
		c.EvaluationPeriods = 1
	}
	if c.DatapointsToAlarm == 0 {
		c.DatapointsToAlarm = c.EvaluationPeriods
	}
	return c
}

// Validate reports the first invalid field, named. Zero Period, EvaluationPeriods and
// DatapointsToAlarm are valid: they take their defaults.
func (c AlarmConfig) Validate() error {
	switch {
	case c.Statistic < Average || c.Statistic > SumPerSource:
		return fmt.Errorf("autoscale: alarm %q: Statistic: unknown value %d", c.Name, int(c.Statistic))
	case c.Comparison < GreaterThanThreshold || c.Comparison > LessThanOrEqualToThreshold:
		return fmt.Errorf("autoscale: alarm %q: Comparison: unknown value %d", c.Name, int(c.Comparison))
	case c.TreatMissingData < MissingData || c.TreatMissingData > Ignore:
		return fmt.Errorf("autoscale: alarm %q: TreatMissingData: unknown value %d (use missing, notBreaching, breaching or ignore)", c.Name, int(c.TreatMissingData))
	case c.Period < 0:
		return fmt.Errorf("autoscale: alarm %q: Period: must be > 0 (0: the metric's period), got %v", c.Name, c.Period)
	case c.EvaluationPeriods < 0:
		return fmt.Errorf("autoscale: alarm %q: EvaluationPeriods: must be ≥ 1 (0: 1), got %d", c.Name, c.EvaluationPeriods)
	case c.DatapointsToAlarm < 0 || c.DatapointsToAlarm > max(c.EvaluationPeriods, 1):
		return fmt.Errorf("autoscale: alarm %q: DatapointsToAlarm: must be in [1, EvaluationPeriods=%d] (0: all), got %d", c.Name, c.EvaluationPeriods, c.DatapointsToAlarm)
	}
	return nil
}

// evaluationInterval is how often CloudWatch evaluates an alarm of this period.
func (c AlarmConfig) evaluationInterval(d Defaults) time.Duration {
	if c.Period >= d.EvaluationInterval {
		return d.EvaluationInterval
	}
	return d.HighResolutionEvaluationInterval
}

// Evaluate returns the alarm's new state given its previous state and the datapoints of
// its evaluation range (the EvaluationPeriods newest visible, any order). It is pure.
//
// Approximation: CloudWatch may look further back than N periods when some are missing;
// this model evaluates exactly the N newest visible periods.
func (c AlarmConfig) Evaluate(prev AlarmState, points []Datapoint) AlarmState {
	breaching, present := 0, 0
	for _, p := range points {
		if !p.OK {
			switch c.TreatMissingData {
			case Breaching:
				breaching++
				present++
			case NotBreaching:
				present++
			}
			continue
		}
		present++
		if c.Comparison.breaches(p.Value, c.Threshold) {
			breaching++
		}
	}
	switch {
	case breaching >= c.DatapointsToAlarm:
		return Alarm
	case present > 0:
		return OK
	case c.TreatMissingData == Ignore:
		return prev
	default:
		return InsufficientData
	}
}
