// Package calibrate measures an app for the simulator, for real: it starts the app with a
// runtime backend (real processes under real CPU quotas) at a few vCPU allowances, times
// its start-up, drives it one request at a time with the load package, and reads the
// CPU and memory it used from the backend. The result is a calibration.Calibration.
package calibrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	goruntime "runtime"
	"sort"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/platform/lb/frontdoor"
	"github.com/deploybench/deploybench/runtime"
	"github.com/deploybench/deploybench/sim/calibration"
)

// Options configures a calibration.
type Options struct {
	// Backend starts the app (the process backend in practice).
	Backend runtime.Backend
	// App is the app to start; VCPU is set per allowance.
	App runtime.Spec
	// Name is what the calibration says was measured, e.g. "builtin:svm".
	Name string
	// Allowances are the emulated vCPU allowances to measure (default 0.5, 1, 2).
	Allowances []float64
	// Requests is how many requests to time per allowance (default 1,000), after
	// Warmup untimed ones (default 100).
	Requests int64
	Warmup   int64
	// Rate is the open-model rate of the timed requests (default 50 req/s).
	Rate float64
	// LoadedUtilisation is the share of each allowance's capacity (from the low-rate CPU
	// per request) at which the CPU per request is measured a second time
	// (calibration.Loaded); default 0.8, negative to skip that measurement.
	LoadedUtilisation float64
	// LoadedDuration is how long that measurement sends requests (default 8 s, at least
	// 200 requests).
	LoadedDuration time.Duration
	// Path, Body and ContentType describe the request (Body: a file or a directory of
	// files sent round robin, as the load package takes it).
	Path, Body, ContentType string
	// HostRates are the rates at which the latency is measured on one host core
	// (calibration.HostLoad; default 50, 100 and 200 req/s); NoHostLoad skips that.
	HostRates  []float64
	NoHostLoad bool
	// StartupTimeout bounds each start (default 60 s).
	StartupTimeout time.Duration
	// Log receives one line per allowance.
	Log io.Writer
}

// Think is the pause between warm-up requests.
const Think = 10 * time.Millisecond

// DefaultLoadedUtilisation is the share of an allowance's capacity at which the CPU per
// request is measured under load: busy enough that the server batches its wake-ups, not
// so busy that the quota throttles it for long.
const DefaultLoadedUtilisation = 0.8

// DefaultAllowances are the vCPU allowances measured by default.
var DefaultAllowances = []float64{0.5, 1, 2}

// DefaultHostRates are the host request rates measured by default: the low rate of the
// allowances' measurements and the range a one-host live run's scenarios reach.
var DefaultHostRates = []float64{50, 100, 200}

// hostLoadRounds is how many times each host rate is measured in turn (the host drifts
// between measurements a minute apart; interleaving spreads that over all rates).
const hostLoadRounds = 2

// Run measures the app and returns its calibration.
func Run(ctx context.Context, o Options) (*calibration.Calibration, error) {
	if o.Backend == nil || len(o.App.Command) == 0 {
		return nil, errors.New("calibrate: a backend and an app command are required")
	}
	if len(o.Allowances) == 0 {
		o.Allowances = DefaultAllowances
	}
	if o.Requests <= 0 {
		o.Requests = 1000
	}
	if o.Rate <= 0 {
		o.Rate = 50
	}
	if o.Warmup <= 0 {
		o.Warmup = 100
	}
	if o.LoadedUtilisation == 0 {
		o.LoadedUtilisation = DefaultLoadedUtilisation
	}
	if o.LoadedDuration <= 0 {
		o.LoadedDuration = 8 * time.Second
	}
	if o.StartupTimeout <= 0 {
		o.StartupTimeout = time.Minute
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	cal := &calibration.Calibration{App: o.Name, HostCores: float64(goruntime.NumCPU())}
	var starts []float64
	for i, a := range o.Allowances {
		if !(a > 0) {
			return nil, fmt.Errorf("calibrate: --vcpu %v must be > 0", a)
		}
		al, startMs, mem, frac, fd, err := measure(ctx, o, a, i, i == len(o.Allowances)-1, cal)
		if err != nil {
			return nil, fmt.Errorf("calibrate: %g vCPU: %w", a, err)
		}
		cal.VCPUFraction = frac
		if fd > 0 {
			cal.FrontDoorMs = fd
		}
		starts = append(starts, startMs)
		cal.MemoryMiB = max(cal.MemoryMiB, mem)
		cal.Allowances = append(cal.Allowances, al)
		loaded := ""
		if l := al.Loaded; l != nil {
			loaded = fmt.Sprintf(" (%.3f at %.0f req/s)", l.CPUMsPerRequest, l.RPS)
		}
		fmt.Fprintf(o.Log, "  %g vCPU: start %.0f ms, service p50 %.3f ms p99 %.3f ms, CPU %.3f ms/request%s, memory %.1f MiB\n",
			a, startMs, al.ServiceMs[50], al.ServiceMs[99], al.CPUMsPerRequest, loaded, mem)
	}
	if !o.NoHostLoad {
		rates := o.HostRates
		if len(rates) == 0 {
			rates = DefaultHostRates
		}
		// One host core: the allowance at which the app's own quota does not bind.
		vcpu := 1.0
		if cal.VCPUFraction > 0 && cal.VCPUFraction < 1 {
			vcpu = 1 / cal.VCPUFraction
		}
		hl, err := measureHostLoad(ctx, o, vcpu, rates)
		if err != nil {
			return nil, fmt.Errorf("calibrate: host load at %g vCPU: %w", vcpu, err)
		}
		cal.HostLoad = hl
		first, last := hl.Rates[0], hl.Rates[len(hl.Rates)-1]
		fmt.Fprintf(o.Log, "  host load (%g vCPU = one host core): p50 %.3f → %.3f ms, p95 %.3f → %.3f ms from %g to %g req/s\n",
			vcpu, first.ServiceMs[50], last.ServiceMs[50], first.ServiceMs[95], last.ServiceMs[95], first.RPS, last.RPS)
	}
	sort.Float64s(starts)
	cal.StartupMs = starts[len(starts)/2]
	sort.Slice(cal.Allowances, func(i, j int) bool { return cal.Allowances[i].VCPU < cal.Allowances[j].VCPU })
	return cal, cal.Validate()
}

// measure starts one instance at allowance vcpu and measures it; with frontDoor it also
// measures the same load through the load balancer's HTTP proxy and returns the median
// latency it adds.
func measure(ctx context.Context, o Options, vcpu float64, i int, frontDoor bool, cal *calibration.Calibration) (_ calibration.Allowance, startMs, memMiB, frac, fdMs float64, err error) {
	// Warm up with one user, then time an open-model Poisson load at a low rate, as the
	// live runs' load generator sends it: the app is busy for only a small share of its
	// quota, so the times measured are service times (client overhead included), not
	// queueing or CFS throttling.
	inst, url, headers, startMs, err := startWarm(ctx, o, fmt.Sprintf("calibrate-%d", i), vcpu)
	if err != nil {
		return calibration.Allowance{}, 0, 0, 0, 0, err
	}
	defer inst.Stop(5 * time.Second)
	before, err := inst.Usage()
	if err != nil {
		return calibration.Allowance{}, 0, 0, 0, 0, err
	}
	cfg := load.Config{Rate: o.Rate, Requests: o.Requests, Spacing: "poisson", Body: o.Body, Path: o.Path, Headers: headers}
	res, err := drive(ctx, cfg, url)
	if err != nil {
		return calibration.Allowance{}, 0, 0, 0, 0, err
	}
	after, err := inst.Usage()
	if err != nil {
		return calibration.Allowance{}, 0, 0, 0, 0, err
	}
	h, err := load.DecodeHistogram(res.Histogram)
	if err != nil || h.TotalCount() == 0 {
		return calibration.Allowance{}, 0, 0, 0, 0, fmt.Errorf("no latency measured: %v", err)
	}
	al := calibration.Allowance{VCPU: vcpu, Requests: res.Requests, RPS: o.Rate, ServiceMs: percentiles(h)}
	if res.Requests > 0 {
		al.CPUMsPerRequest = (after.CPUSeconds - before.CPUSeconds) * 1e3 / float64(res.Requests)
	}
	if cores := vcpu * after.VCPUFraction; o.LoadedUtilisation > 0 && al.CPUMsPerRequest > 0 && cores > 0 {
		rate := o.LoadedUtilisation * cores / (al.CPUMsPerRequest / 1e3)
		if rate > o.Rate {
			if al.Loaded, err = measureLoaded(ctx, inst, cfg, rate, o.LoadedDuration); err != nil {
				return calibration.Allowance{}, 0, 0, 0, 0, fmt.Errorf("under load (%.0f req/s): %w", rate, err)
			}
		}
	}
	if frontDoor {
		if fdMs, cal.BytesPerRequest, err = frontDoorMs(ctx, cfg, inst.Addr()); err != nil {
			return calibration.Allowance{}, 0, 0, 0, 0, fmt.Errorf("through the load balancer: %w", err)
		}
	}
	return al, startMs, float64(after.MemoryBytes) / (1 << 20), after.VCPUFraction, fdMs, nil
}

// startWarm starts the app as name at vcpu, waits until it is ready and warms it up with
// one user. It returns the instance (the caller stops it), its URL, the request headers
// and the exec → ready time in milliseconds.
func startWarm(ctx context.Context, o Options, name string, vcpu float64) (_ runtime.Instance, url string, headers map[string]string, startMs float64, err error) {
	spec := o.App
	spec.Name, spec.VCPU = name, vcpu
	began := time.Now()
	inst, err := o.Backend.Start(ctx, spec)
	if err != nil {
		return nil, "", nil, 0, err
	}
	fail := func(err error) (runtime.Instance, string, map[string]string, float64, error) {
		inst.Stop(5 * time.Second)
		return nil, "", nil, 0, err
	}
	rctx, cancel := context.WithTimeout(ctx, o.StartupTimeout)
	err = inst.WaitReady(rctx)
	cancel()
	if err != nil {
		return fail(fmt.Errorf("not ready: %w", err))
	}
	startMs = float64(time.Since(began).Microseconds()) / 1e3
	url = "http://" + inst.Addr()
	if o.ContentType != "" {
		headers = map[string]string{"Content-Type": o.ContentType}
	}
	think := load.Duration(Think)
	cfg := load.Config{VUs: 1, Requests: o.Warmup, Body: o.Body, Path: o.Path, Headers: headers, Think: load.Think{Min: think, Max: think}}
	if _, err := drive(ctx, cfg, url); err != nil {
		return fail(fmt.Errorf("warm-up: %w", err))
	}
	return inst, url, headers, startMs, nil
}

// percentiles returns the 101 percentiles p0…p100 of h in milliseconds (h in µs),
// non-decreasing.
func percentiles(h *hdrhistogram.Histogram) []float64 {
	out := make([]float64, 101)
	for p := 0; p <= 100; p++ {
		q := float64(p)
		if p == 0 {
			q = 0.001
		}
		out[p] = float64(h.ValueAtPercentile(q)) / 1e3
		if p > 0 && out[p] < out[p-1] {
			out[p] = out[p-1]
		}
	}
	return out
}

// measureHostLoad starts the app at vcpu (one host core), warms it up and measures its
// latency at each rate, in interleaved rounds.
func measureHostLoad(ctx context.Context, o Options, vcpu float64, rates []float64) (*calibration.HostLoad, error) {
	for i, r := range rates {
		if !(r > 0) || (i > 0 && r <= rates[i-1]) {
			return nil, fmt.Errorf("host rates %v: each must be > 0 and above the previous", rates)
		}
	}
	inst, url, headers, _, err := startWarm(ctx, o, "calibrate-host", vcpu)
	if err != nil {
		return nil, err
	}
	defer inst.Stop(5 * time.Second)
	hs := make([]*hdrhistogram.Histogram, len(rates))
	n := make([]int64, len(rates))
	for range hostLoadRounds {
		for i, r := range rates {
			c := load.Config{Rate: r, Requests: max(100, o.Requests/hostLoadRounds), Spacing: "poisson", Body: o.Body, Path: o.Path, Headers: headers}
			res, err := drive(ctx, c, url)
			if err != nil {
				return nil, fmt.Errorf("%g req/s: %w", r, err)
			}
			h, err := load.DecodeHistogram(res.Histogram)
			if err != nil || h.TotalCount() == 0 {
				return nil, fmt.Errorf("%g req/s: no latency measured: %v", r, err)
			}
			if hs[i] == nil {
				hs[i] = h
			} else {
				hs[i].Merge(h)
			}
			n[i] += res.Requests
		}
	}
	hl := &calibration.HostLoad{VCPU: vcpu}
	for i, r := range rates {
		hl.Rates = append(hl.Rates, calibration.RateLatency{RPS: r, ServiceMs: percentiles(hs[i]), Requests: n[i]})
	}
	return hl, hl.Validate()
}

// measureLoaded sends Poisson arrivals at rate for a few seconds and returns the CPU the
// app used per request.
func measureLoaded(ctx context.Context, inst runtime.Instance, base load.Config, rate float64, d time.Duration) (*calibration.Loaded, error) {
	before, err := inst.Usage()
	if err != nil {
		return nil, err
	}
	cfg := base
	cfg.Rate, cfg.Requests = rate, int64(math.Max(200, rate*d.Seconds()))
	res, err := drive(ctx, cfg, "http://"+inst.Addr())
	if err != nil {
		return nil, err
	}
	after, err := inst.Usage()
	if err != nil {
		return nil, err
	}
	if res.Requests == 0 {
		return nil, errors.New("no request measured")
	}
	return &calibration.Loaded{RPS: math.Round(rate*10) / 10, Requests: res.Requests,
		CPUMsPerRequest: (after.CPUSeconds - before.CPUSeconds) * 1e3 / float64(res.Requests)}, nil
}

// frontDoorRounds is how many times the direct and the proxied latency are measured in
// turn: the host's load drifts by more than the proxy's fraction of a millisecond
// between two measurements taken a minute apart, so they are interleaved and the
// median of the rounds' differences is kept.
const frontDoorRounds = 5

// frontDoorMs measures how much the ALB model's HTTP proxy in front of addr adds to the
// median latency: rounds of the same low-rate load, directly and through the proxy in
// turn, and the median of the per-round differences of the medians. It also returns the
// bytes the balancer processed per proxied request.
func frontDoorMs(ctx context.Context, cfg load.Config, addr string) (ms, bytes float64, err error) {
	bal, err := lb.New(lb.Config{}, platform.WallClock{}, nil) // no prober: healthy when registered
	if err != nil {
		return 0, 0, err
	}
	if err := bal.Register(lb.Target{ID: "app", Addr: addr}); err != nil {
		return 0, 0, err
	}
	px, err := frontdoor.Listen(bal, frontdoor.Config{})
	if err != nil {
		return 0, 0, err
	}
	defer px.Shutdown(context.Background())
	cfg.Requests = max(50, cfg.Requests/frontDoorRounds)
	var diffs []float64
	for range frontDoorRounds {
		direct, err := drive(ctx, cfg, "http://"+addr)
		if err != nil {
			return 0, 0, err
		}
		proxied, err := drive(ctx, cfg, px.URL())
		if err != nil {
			return 0, 0, err
		}
		diffs = append(diffs, proxied.Latency.P50-direct.Latency.P50)
	}
	sort.Float64s(diffs)
	if st := bal.Stats(); st.Requests > 0 {
		bytes = float64(st.ProcessedBytes) / float64(st.Requests)
	}
	return max(0, diffs[len(diffs)/2]), bytes, nil
}

func drive(ctx context.Context, cfg load.Config, url string) (*load.Result, error) {
	r, err := load.Start(ctx, cfg, url, load.Options{})
	if err != nil {
		return nil, err
	}
	res := r.Wait()
	if res.Errors > 0 {
		return nil, fmt.Errorf("%d of %d requests failed", res.Errors, res.Requests)
	}
	return res, nil
}
