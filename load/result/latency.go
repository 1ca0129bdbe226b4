package result

import (
	"fmt"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Latency is a latency distribution summary in milliseconds.
type Latency struct {
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Percentile returns the named percentile ("p50", "p999", "max", …) in milliseconds.
func (l Latency) Percentile(name string) (float64, bool) {
	switch name {
	case "min":
		return l.Min, true
	case "p50", "median":
		return l.P50, true
	case "p90":
		return l.P90, true
	case "p95":
		return l.P95, true
	case "p99":
		return l.P99, true
	case "p999", "p99.9":
		return l.P999, true
	case "max":
		return l.Max, true
	case "mean", "avg":
		return l.Mean, true
	}
	return 0, false
}

// DecodeHistogram reads a histogram written in Result.Histogram (microseconds).
func DecodeHistogram(s string) (*hdrhistogram.Histogram, error) {
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("histogram: %v", err)
	}
	return h, nil
}
