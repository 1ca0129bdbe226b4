package threshold

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/deploybench/deploybench/load/result"
)

// Kind is what a threshold's metric measures, which fixes how its value is written.
type Kind int

// The metric kinds.
const (
	Latency  Kind = iota // a latency statistic, in milliseconds ("200ms", "1s" or a bare number of ms)
	Fraction             // a share of requests ("1%" or a fraction such as 0.01)
	Rate                 // requests per second
	Count                // a number of requests
)

// Threshold is one criterion: Metric Op Value, e.g. p95 < 200 (ms).
type Threshold struct {
	Metric string
	Op     string
	Value  float64 // ms for Latency, 0..1 for Fraction
	Kind   Kind
	Text   string // as written, for messages
}

// Violation is a threshold a result did not meet.
type Violation struct {
	Threshold Threshold
	Actual    float64
}

// String says which threshold failed and by how much: "p95<200ms (was 312.4ms)".
func (v Violation) String() string {
	return fmt.Sprintf("%s (was %s)", v.Threshold.Text, format(v.Threshold.Kind, v.Actual))
}

func format(k Kind, v float64) string {
	switch k {
	case Latency:
		return strconv.FormatFloat(v, 'f', -1, 64) + "ms"
	case Fraction:
		return strconv.FormatFloat(math.Round(v*1e4)/100, 'f', -1, 64) + "%"
	case Rate:
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + "/s"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// metrics maps each metric name to its kind.
var metrics = map[string]Kind{
	"min": Latency, "p50": Latency, "median": Latency, "p90": Latency, "p95": Latency, "p99": Latency,
	"p999": Latency, "p99.9": Latency, "max": Latency, "mean": Latency, "avg": Latency,
	"errors": Fraction, "error_rate": Fraction, "dropped": Fraction,
	"rate": Rate, "throughput": Rate, "requests": Count,
}

// Parse reads a comma-separated list of thresholds, e.g. "p95<200ms,p99<1s,errors<1%,rate>100".
// Metrics: min, p50 (median), p90, p95, p99, p999 (p99.9), max, mean, any other pNN
// (read from the result's histogram), errors and dropped (shares), rate and throughput
// (requests/s) and requests. Operators: <, <=, >, >=.
func Parse(s string) ([]Threshold, error) {
	var out []Threshold
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("threshold list %q has an empty item (want e.g. p95<200ms,errors<1%%)", s)
		}
		t, err := parseOne(item)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func parseOne(item string) (Threshold, error) {
	i := strings.IndexAny(item, "<>")
	if i <= 0 {
		return Threshold{}, fmt.Errorf("threshold %q: want METRIC<VALUE or METRIC>VALUE, e.g. p95<200ms", item)
	}
	op := item[i : i+1]
	rest := item[i+1:]
	if strings.HasPrefix(rest, "=") {
		op += "="
		rest = rest[1:]
	}
	name := strings.ToLower(strings.TrimSpace(item[:i]))
	rest = strings.TrimSpace(rest)
	kind, ok := metrics[name]
	if !ok && !isPercentile(name) {
		return Threshold{}, fmt.Errorf("threshold %q: unknown metric %q (want p50, p90, p95, p99, p999, max, mean, errors, dropped, rate or requests)", item, name)
	}
	v, err := parseValue(kind, rest)
	if err != nil {
		return Threshold{}, fmt.Errorf("threshold %q: %v", item, err)
	}
	return Threshold{Metric: name, Op: op, Value: v, Kind: kind, Text: item}, nil
}

// isPercentile accepts pNN and pNN.N for 0 < NN < 100.
func isPercentile(name string) bool {
	v, err := strconv.ParseFloat(strings.TrimPrefix(name, "p"), 64)
	return strings.HasPrefix(name, "p") && err == nil && v > 0 && v < 100
}

func parseValue(k Kind, s string) (float64, error) {
	switch k {
	case Latency:
		if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			return float64(d) / float64(time.Millisecond), nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v >= 0) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%q is not a latency (want e.g. 200ms or 1s)", s)
		}
		return v, nil
	case Fraction:
		pct := strings.HasSuffix(s, "%")
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if pct {
			v /= 100
		}
		if err != nil || !(v >= 0 && v <= 1) {
			return 0, fmt.Errorf("%q is not a share (want e.g. 1%% or 0.01)", s)
		}
		return v, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "/s"), 64)
	if err != nil || !(v >= 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number ≥ 0", s)
	}
	return v, nil
}

// Actual reads the threshold's metric from a result.
func (t Threshold) Actual(r *result.Result) float64 {
	switch t.Metric {
	case "errors", "error_rate":
		return r.ErrorRate
	case "dropped":
		if n := r.Requests + r.Dropped; n > 0 {
			return float64(r.Dropped) / float64(n)
		}
		return 0
	case "rate":
		return r.RateAchieved
	case "throughput":
		return r.Throughput
	case "requests":
		return float64(r.Requests)
	}
	if v, ok := r.Latency.Percentile(t.Metric); ok {
		return v
	}
	// Any other percentile comes from the exported histogram, when there is one.
	p, _ := strconv.ParseFloat(strings.TrimPrefix(t.Metric, "p"), 64)
	if h, err := result.DecodeHistogram(r.Histogram); err == nil && h.TotalCount() > 0 {
		return float64(h.ValueAtPercentile(p)) / 1000
	}
	return math.NaN()
}

// Holds reports whether actual meets the threshold (a missing value never does).
func (t Threshold) Holds(actual float64) bool {
	switch t.Op {
	case "<":
		return actual < t.Value
	case "<=":
		return actual <= t.Value
	case ">":
		return actual > t.Value
	case ">=":
		return actual >= t.Value
	}
	return false
}

// Check evaluates every threshold against r and returns those violated, in order.
func Check(ths []Threshold, r *result.Result) []Violation {
	var out []Violation
	for _, t := range ths {
		if a := t.Actual(r); !t.Holds(a) {
			out = append(out, Violation{Threshold: t, Actual: a})
		}
	}
	return out
}

// Describe joins violations into one line for an error message.
func Describe(vs []Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return strings.Join(parts, ", ")
}
