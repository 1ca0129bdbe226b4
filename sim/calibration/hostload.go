package calibration

import (
	"fmt"
	"math"
)

// HostLoad is the app's latency measured at a few request rates on an allowance of one
// host core, where its own CPU quota does not bind. It describes the host a live run
// measures on, not the app: the load generator, the balancer's proxy and the app share
// its cores, so as the rate rises the median stays put but the tail widens (at 200 req/s
// the p95 of the built-in classifier is about a fifth above its p95 at 50 req/s on this
// kind of machine). The simulator applies it only when it reproduces a live run on one
// host (the scenario's own load with a vCPU fraction below 1); a production-scale
// simulation's clients are not on the instances' hosts.
type HostLoad struct {
	// VCPU is the emulated allowance measured at (one host core).
	VCPU float64 `json:"vcpu"`
	// Rates are the measurements, slowest first.
	Rates []RateLatency `json:"rates"`
}

// RateLatency is the latency at one open-model rate.
type RateLatency struct {
	// RPS is the open-model (Poisson) rate.
	RPS float64 `json:"rps"`
	// ServiceMs are the 101 percentiles of the latency in milliseconds.
	ServiceMs []float64 `json:"service_ms"`
	// Requests is how many requests were measured.
	Requests int64 `json:"requests"`
}

// Validate checks the measurements: at least two rates, ascending, each with 101
// non-decreasing positive percentiles.
func (h *HostLoad) Validate() error {
	if len(h.Rates) < 2 {
		return fmt.Errorf("calibration: host_load.rates: need at least two rates, got %d (remove host_load if it was not measured)", len(h.Rates))
	}
	if !(h.VCPU > 0) || math.IsInf(h.VCPU, 0) {
		return fmt.Errorf("calibration: host_load.vcpu: %v must be > 0", h.VCPU)
	}
	for i, r := range h.Rates {
		if !(r.RPS > 0) || math.IsInf(r.RPS, 0) || (i > 0 && r.RPS <= h.Rates[i-1].RPS) {
			return fmt.Errorf("calibration: host_load.rates[%d].rps: %v must be > 0 and above the previous rate's", i, r.RPS)
		}
		if len(r.ServiceMs) != 101 {
			return fmt.Errorf("calibration: host_load.rates[%d].service_ms: want 101 percentiles (p0…p100), got %d", i, len(r.ServiceMs))
		}
		for k, v := range r.ServiceMs {
			if !(v > 0) || math.IsInf(v, 0) || (k > 0 && v < r.ServiceMs[k-1]) {
				return fmt.Errorf("calibration: host_load.rates[%d].service_ms[%d]: percentiles must be > 0 and non-decreasing", i, k)
			}
		}
	}
	return nil
}

// Widening is how much longer a request's latency is at a host rate than at the slowest
// rate measured, percentile by percentile. The zero value widens nothing.
type Widening struct {
	rps   []float64
	ratio [][101]float64 // per rate: its percentile over the slowest rate's
}

// Widening returns the host-load widening of the calibration; the zero value when it
// has no host-load measurements.
func (c *Calibration) Widening() Widening {
	h := c.HostLoad
	if h == nil || len(h.Rates) < 2 {
		return Widening{}
	}
	var w Widening
	base := h.Rates[0].ServiceMs
	for _, r := range h.Rates {
		var t [101]float64
		for i, v := range r.ServiceMs {
			t[i] = v / base[i]
		}
		w.rps = append(w.rps, r.RPS)
		w.ratio = append(w.ratio, t)
	}
	return w
}

// Active reports whether w widens anything.
func (w *Widening) Active() bool { return len(w.rps) > 1 }

// Factor is the widening at host rate rps (requests per second) for the request at
// percentile position u ∈ [0, 100): 1 at or below the slowest rate, the fastest rate's
// beyond it, linear in the rate and the percentile between.
func (w *Widening) Factor(rps, u float64) float64 {
	n := len(w.rps)
	if n < 2 || rps <= w.rps[0] {
		return 1
	}
	at := func(k int) float64 {
		i := int(u)
		if i >= 100 {
			return w.ratio[k][100]
		}
		f := u - float64(i)
		return w.ratio[k][i] + (w.ratio[k][i+1]-w.ratio[k][i])*f
	}
	if rps >= w.rps[n-1] {
		return at(n - 1)
	}
	k := 1
	for w.rps[k] < rps {
		k++
	}
	f := (rps - w.rps[k-1]) / (w.rps[k] - w.rps[k-1])
	return at(k-1) + (at(k)-at(k-1))*f
}
