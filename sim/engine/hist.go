package engine

import "math/bits"

// histSub is the sub-buckets per power of two: values are kept within 1/histSub (1.6 %).
const (
	histBits = 6
	histSub  = 1 << histBits
	// histBuckets covers 0 … 2^40 ns (about 18 minutes).
	histBuckets = (42 - histBits) * histSub
)

// Hist is a log-linear latency histogram in nanoseconds with a fixed array, so that
// recording never allocates: the per-request hot path records every request.
type Hist struct {
	counts [histBuckets]uint64
	n      uint64
	max    int64
}

func histIndex(v int64) int {
	if v < histSub {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	e := bits.Len64(uint64(v)) - histBits - 1
	i := histSub + e*histSub + int(uint64(v)>>uint(e)) - histSub
	if i >= histBuckets {
		return histBuckets - 1
	}
	return i
}

// histValue is the midpoint of bucket i.
func histValue(i int) float64 {
	if i < histSub {
		return float64(i)
	}
	e := (i - histSub) / histSub
	m := (i-histSub)%histSub + histSub
	return (float64(m) + 0.5) * float64(uint64(1)<<uint(e))
}

// Record adds one value.
func (h *Hist) Record(v int64) {
	h.counts[histIndex(v)]++
	h.n++
	if v > h.max {
		h.max = v
	}
}

// RecordN adds n values equal to v.
func (h *Hist) RecordN(v int64, n uint64) {
	if n == 0 {
		return
	}
	h.counts[histIndex(v)] += n
	h.n += n
	if v > h.max {
		h.max = v
	}
}

// Count is the number of values recorded.
func (h *Hist) Count() uint64 { return h.n }

// Max is the largest value recorded (ns).
func (h *Hist) Max() int64 { return h.max }

// Quantile returns the q-quantile (0…1) in nanoseconds, 0 when empty.
func (h *Hist) Quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	var c uint64
	for i := range h.counts {
		c += h.counts[i]
		if c >= rank {
			v := histValue(i)
			if v > float64(h.max) {
				v = float64(h.max)
			}
			return v
		}
	}
	return float64(h.max)
}

// Reset empties the histogram.
func (h *Hist) Reset() {
	if h.n == 0 {
		return
	}
	clear(h.counts[:])
	h.n, h.max = 0, 0
}
