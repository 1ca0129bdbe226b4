package load

import (
	"fmt"
	"math"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are recorded in microseconds from 1 µs to one hour with three significant
// digits (0.1 % error), the resolution wrk2 uses; longer values are clamped to the top.
const (
	histLowest  = 1
	histHighest = int64(time.Hour / time.Microsecond)
	histDigits  = 3
)

func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(histLowest, histHighest, histDigits) }

// record adds d to h, clamped into the histogram's range.
func record(h *hdrhistogram.Histogram, d time.Duration) {
	v := d.Microseconds()
	if v < histLowest {
		v = histLowest
	}
	if v > histHighest {
		v = histHighest
	}
	_ = h.RecordValue(v) // cannot fail: v is in range
}

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

var summaryPercentiles = []float64{50, 90, 95, 99, 99.9}

// summarize reads a Latency from a microsecond histogram (zeros when it is empty).
func summarize(h *hdrhistogram.Histogram) Latency {
	if h.TotalCount() == 0 {
		return Latency{}
	}
	p := h.ValueAtPercentilesSlice(summaryPercentiles)
	return Latency{
		Min: ms(h.Min()), P50: ms(p[0]), P90: ms(p[1]), P95: ms(p[2]), P99: ms(p[3]), P999: ms(p[4]),
		Max: ms(h.Max()), Mean: math.Round(h.Mean()) / 1000,
	}
}

func ms(us int64) float64 { return float64(us) / 1000 }

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

// encodeHist exports h in the HdrHistogram V2 compressed, base64 form that HdrHistogram
// tools in every language read, so histograms from several runs can be merged exactly.
func encodeHist(h *hdrhistogram.Histogram) string {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return ""
	}
	return string(b)
}

// DecodeHistogram reads a histogram written in Result.Histogram (microseconds).
func DecodeHistogram(s string) (*hdrhistogram.Histogram, error) {
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("histogram: %v", err)
	}
	return h, nil
}
