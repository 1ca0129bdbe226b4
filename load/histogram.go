package load

import (
	"math"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/deploybench/deploybench/load/result"
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

var summaryPercentiles = []float64{50, 90, 95, 99, 99.9}

// summarize reads a Latency from a microsecond histogram (zeros when it is empty).
func summarize(h *hdrhistogram.Histogram) result.Latency {
	if h.TotalCount() == 0 {
		return result.Latency{}
	}
	p := h.ValueAtPercentilesSlice(summaryPercentiles)
	return result.Latency{
		Min: ms(h.Min()), P50: ms(p[0]), P90: ms(p[1]), P95: ms(p[2]), P99: ms(p[3]), P999: ms(p[4]),
		Max: ms(h.Max()), Mean: math.Round(h.Mean()) / 1000,
	}
}

func ms(us int64) float64 { return float64(us) / 1000 }

// encodeHist exports h in the HdrHistogram V2 compressed, base64 form that HdrHistogram
// tools in every language read, so histograms from several runs can be merged exactly.
func encodeHist(h *hdrhistogram.Histogram) string {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return ""
	}
	return string(b)
}
