package lb

import "time"

// RequestCounter turns the balancer's cumulative per-target request counts into counts
// since the previous call: the inputs of CloudWatch's ALBRequestCountPerTarget. The zero
// value is ready to use; it is not safe for concurrent use.
type RequestCounter struct {
	last map[string]int64
}

// Healthy calls put with each healthy target's requests since the previous call.
func (c *RequestCounter) Healthy(st Stats, put func(id string, at time.Time, n float64)) {
	if c.last == nil {
		c.last = map[string]int64{}
	}
	for _, t := range st.Targets {
		n := t.Requests - c.last[t.Target.ID]
		c.last[t.Target.ID] = t.Requests
		if t.State == Healthy {
			put(t.Target.ID, st.At, float64(n))
		}
	}
}
