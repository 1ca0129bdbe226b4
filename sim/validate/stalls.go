package validate

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/results"
)

// StallLagMs is the send lag that marks a live second as a host stall: the load
// generator sent some request of that second this much later than its schedule said,
// so the machine itself, not the service, was short of CPU (a shared host's other work).
// A healthy generator is late by well under a millisecond.
const StallLagMs = 20

// stalledSeconds returns the timeline indexes of a live platform to leave out of the
// latency comparison: each second whose load window shows a host stall, and the second
// after it, which serves the backlog the stall left. It reads the platform's load.json;
// a results directory without one (or without send lags) has no stalls.
func stalledSeconds(dir, name string) (map[int]bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, results.PlatformDirName(name), "load.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var res load.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, err
	}
	skip := map[int]bool{}
	for i, w := range res.Windows {
		if w.SendLagMaxMs > StallLagMs {
			skip[i], skip[i+1] = true, true
		}
	}
	return skip, nil
}

// windowCDF is one second's latency distribution, approximated from its timeline
// percentiles: linear from 0 to p50, then through p95 and p99, and on to 1 at the slope
// between p95 and p99.
type windowCDF struct {
	n             float64
	p50, p95, p99 float64
}

func (w windowCDF) at(x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x < w.p50:
		return 0.5 * x / w.p50
	case x < w.p95:
		return 0.5 + 0.45*(x-w.p50)/(w.p95-w.p50)
	case x < w.p99:
		return 0.95 + 0.04*(x-w.p95)/(w.p99-w.p95)
	}
	end := w.p99 + (w.p99-w.p95)/4
	if x >= end {
		return 1
	}
	return 0.99 + 0.01*(x-w.p99)/(end-w.p99)
}

// windowQuantile approximates the q-quantile of the latencies of every timeline point
// not in skip, from each second's p50, p95 and p99 weighted by its requests. Live and
// simulated timelines go through the same approximation, so it cancels out of the
// comparison; what it buys is that seconds can be left out.
func windowQuantile(pts []results.Point, skip map[int]bool, q float64) float64 {
	var ws []windowCDF
	total, hi := 0.0, 0.0
	for i, p := range pts {
		n := float64(p.Requests - p.Errors)
		if skip[i] || n <= 0 || !(p.P50 > 0) {
			continue
		}
		// Percentiles of a tiny window can coincide; keep the knots increasing.
		w := windowCDF{n: n, p50: p.P50, p95: math.Max(p.P95, p.P50*(1+1e-9)), p99: 0}
		w.p99 = math.Max(p.P99, w.p95*(1+1e-9))
		ws = append(ws, w)
		total += n
		hi = math.Max(hi, w.p99+(w.p99-w.p95)/4)
	}
	if total == 0 {
		return 0
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].p50 < ws[j].p50 })
	lo := 0.0
	for range 60 { // bisection to well under a microsecond
		mid := (lo + hi) / 2
		f := 0.0
		for _, w := range ws {
			f += w.n * w.at(mid)
		}
		if f/total < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
