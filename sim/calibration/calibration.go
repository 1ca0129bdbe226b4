// Package calibration is what the simulator knows of an app: start-up time, memory and
// the per-request latency and CPU measured for real by sim/calibrate at a few vCPU
// allowances. The built-in classifier's calibrations are embedded.
package calibration

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"
)

// Calibration is what `deploybench calibrate` measured of an app: how long it takes to
// start, how much memory it holds, and the CPU work of one request, at a few vCPU
// allowances. The simulator draws each request's work from it.
type Calibration struct {
	// App names what was measured, e.g. "builtin:svm".
	App string `json:"app"`
	// Measured is when, HostCores how many cores the host had, VCPUFraction the share of
	// a host core one emulated vCPU got while measuring.
	Measured     string  `json:"measured,omitempty"`
	HostCores    float64 `json:"host_cores"`
	VCPUFraction float64 `json:"vcpu_fraction"`
	// StartupMs is exec → healthy, in milliseconds (median of the starts measured).
	StartupMs float64 `json:"startup_ms"`
	// MemoryMiB is the app's resident memory under load.
	MemoryMiB float64 `json:"memory_mib"`
	// FrontDoorMs is the median latency the load balancer's HTTP proxy adds to a request
	// (measured at the reference allowance (see reference)); platforms behind a balancer add it.
	FrontDoorMs float64 `json:"front_door_ms,omitempty"`
	// BytesPerRequest is what the load balancer processes per request, request and
	// response with their headers, as its proxy counted them while FrontDoorMs was
	// measured: the processed-bytes input of ALB LCUs.
	BytesPerRequest float64 `json:"bytes_per_request,omitempty"`
	// Allowances are the per-allowance measurements, smallest first.
	Allowances []Allowance `json:"allowances"`
	// AWS, when present, holds start-up times measured on real AWS (calibrate --from).
	AWS *AWSTimes `json:"aws,omitempty"`
	// HostLoad, when present, is the latency at a few host request rates (see HostLoad).
	HostLoad *HostLoad `json:"host_load,omitempty"`
}

// Allowance is the measurement at one CPU allowance.
type Allowance struct {
	// VCPU is the emulated vCPU allowance.
	VCPU float64 `json:"vcpu"`
	// ServiceMs are the 101 percentiles (p0, p1, …, p100) of the per-request latency in
	// milliseconds at a low open-model rate, as the load generator sees it: the service
	// time with (almost) no queueing, client and network overhead included.
	ServiceMs []float64 `json:"service_ms"`
	// CPUMsPerRequest is the CPU the app used per request, in host-core milliseconds.
	CPUMsPerRequest float64 `json:"cpu_ms_per_request"`
	// Requests is how many requests were measured.
	Requests int64 `json:"requests"`
	// RPS is the open-model rate the service times were measured at (50 when absent,
	// the rate calibrations before this field used).
	RPS float64 `json:"rps,omitempty"`
	// Loaded is a second measurement near the allowance's capacity. A busy Go server
	// spends less CPU per request than an idle one (fewer wake-ups and poller round
	// trips per request), and how deep a saturated queue gets depends on exactly that.
	Loaded *Loaded `json:"loaded,omitempty"`
}

// Loaded is the CPU an app used per request under a load near its allowance's capacity.
type Loaded struct {
	// RPS is the open-model rate of the measurement.
	RPS float64 `json:"rps"`
	// CPUMsPerRequest is the CPU the app used per request at that rate, in host-core
	// milliseconds.
	CPUMsPerRequest float64 `json:"cpu_ms_per_request"`
	// Requests is how many requests were measured.
	Requests int64 `json:"requests"`
}

// DefaultRPS is the rate of the low-load measurement when a calibration does not say.
const DefaultRPS = 50

//go:embed builtin/*.json
var builtinCals embed.FS

// Builtin returns the shipped calibration of the built-in classifier model
// ("svm" or "mlp").
func Builtin(model string) (*Calibration, error) {
	b, err := builtinCals.ReadFile("builtin/" + model + ".json")
	if err != nil {
		return nil, fmt.Errorf("calibration: no built-in calibration for %q (have mlp, svm)", model)
	}
	return Parse(b)
}

// Read reads a calibration file.
func Read(path string) (*Calibration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes and validates a calibration; unknown keys are errors.
func Parse(b []byte) (*Calibration, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var c Calibration
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("calibration: %v", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	sort.Slice(c.Allowances, func(i, j int) bool { return c.Allowances[i].VCPU < c.Allowances[j].VCPU })
	return &c, nil
}

// Validate checks the calibration.
func (c *Calibration) Validate() error {
	switch {
	case len(c.Allowances) == 0:
		return errors.New("calibration: allowances: at least one measurement is needed")
	case c.StartupMs < 0 || math.IsNaN(c.StartupMs):
		return fmt.Errorf("calibration: startup_ms: %v must be ≥ 0", c.StartupMs)
	case c.MemoryMiB < 0:
		return fmt.Errorf("calibration: memory_mib: %v must be ≥ 0", c.MemoryMiB)
	case c.FrontDoorMs < 0 || math.IsNaN(c.FrontDoorMs):
		return fmt.Errorf("calibration: front_door_ms: %v must be ≥ 0", c.FrontDoorMs)
	case c.BytesPerRequest < 0 || math.IsNaN(c.BytesPerRequest) || math.IsInf(c.BytesPerRequest, 0):
		return fmt.Errorf("calibration: bytes_per_request: %v must be ≥ 0", c.BytesPerRequest)
	case c.VCPUFraction < 0 || c.HostCores < 0:
		return errors.New("calibration: vcpu_fraction and host_cores must be ≥ 0")
	}
	if c.AWS != nil {
		if err := c.AWS.Validate(); err != nil {
			return err
		}
	}
	if c.HostLoad != nil {
		if err := c.HostLoad.Validate(); err != nil {
			return err
		}
	}
	for i, a := range c.Allowances {
		if len(a.ServiceMs) != 101 {
			return fmt.Errorf("calibration: allowances[%d].service_ms: want 101 percentiles (p0…p100), got %d", i, len(a.ServiceMs))
		}
		if a.VCPU <= 0 {
			return fmt.Errorf("calibration: allowances[%d].vcpu: %v must be > 0", i, a.VCPU)
		}
		for k, v := range a.ServiceMs {
			if !(v >= 0) || (k > 0 && v < a.ServiceMs[k-1]) {
				return fmt.Errorf("calibration: allowances[%d].service_ms[%d]: percentiles must be ≥ 0 and non-decreasing", i, k)
			}
		}
		if a.CPUMsPerRequest < 0 {
			return fmt.Errorf("calibration: allowances[%d].cpu_ms_per_request: %v must be ≥ 0", i, a.CPUMsPerRequest)
		}
		if a.RPS < 0 || math.IsNaN(a.RPS) {
			return fmt.Errorf("calibration: allowances[%d].rps: %v must be ≥ 0", i, a.RPS)
		}
		if l := a.Loaded; l != nil && (!(l.RPS > 0) || !(l.CPUMsPerRequest > 0) || l.Requests < 0) {
			return fmt.Errorf("calibration: allowances[%d].loaded: rps and cpu_ms_per_request must be > 0 (remove the section if it was not measured)", i)
		}
	}
	return nil
}

// StartupTime is the app's exec → ready time.
func (c *Calibration) StartupTime() time.Duration {
	return time.Duration(c.StartupMs * float64(time.Millisecond))
}

// reference is the measurement the simulator draws from: the allowance with the median
// CPU per request. Measured well below their quota, the allowances should agree; on a
// shared host one of them is often disturbed, and the median ignores it.
func (c *Calibration) reference() Allowance {
	as := append([]Allowance(nil), c.Allowances...)
	sort.SliceStable(as, func(i, j int) bool { return as[i].CPUMsPerRequest < as[j].CPUMsPerRequest })
	return as[(len(as)-1)/2]
}

// LatencyTable returns the 101 percentiles of one request's unqueued latency in seconds
// at the reference allowance (see reference): what a client sees when nothing waits.
func (c *Calibration) LatencyTable() [101]float64 {
	var t [101]float64
	for i, v := range c.reference().ServiceMs {
		t[i] = v / 1e3
	}
	return t
}

// CPUShare is the share of a request's unqueued latency that is CPU work on the
// instance (the rest is client, network and HTTP-stack waiting that uses no instance
// CPU), from the CPU the app really used per request at the reference allowance (see reference); 1 when the
// CPU was not measured or exceeds the latency (CPU on other threads in parallel).
func (c *Calibration) CPUShare() float64 {
	a := c.reference()
	mean := MeanOfPercentiles(a.ServiceMs)
	if a.CPUMsPerRequest <= 0 || mean <= 0 || a.CPUMsPerRequest >= mean {
		return 1
	}
	return a.CPUMsPerRequest / mean
}

// WorkTable returns the 101 percentiles of one request's CPU work in host core-seconds.
// The work is the unqueued latency at the reference allowance (see reference), scaled so that its mean
// equals the CPU the app really used per request there (which also counts the HTTP
// stack's and the GC's CPU on other threads).
func (c *Calibration) WorkTable() [101]float64 {
	a := c.reference()
	var t [101]float64
	mean := MeanOfPercentiles(a.ServiceMs)
	k := 1.0
	if a.CPUMsPerRequest > 0 && mean > 0 {
		k = a.CPUMsPerRequest / mean
	}
	for i, v := range a.ServiceMs {
		t[i] = v * k / 1e3
	}
	return t
}

// LoadCurve is how the CPU an app spends per request changes as its instance gets busier:
// each allowance with a loaded measurement gives the ratio of its loaded to its low-rate
// CPU per request and the two offered utilisations (at the low-rate CPU); the curve takes
// the median of each over the allowances, since on a shared host one measurement is
// often disturbed. Below the low utilisation the work is WorkTable's, beyond the loaded
// one it is the ratio times that, and it moves linearly between. A calibration without
// loaded measurements has a flat curve.
type LoadCurve struct {
	cpu0   float64 // core-seconds per request at the low rate (the reference's)
	u0, u1 float64 // offered utilisation (at the low-rate CPU) of the two measurements
	k      float64 // loaded CPU ÷ low-rate CPU
}

// LoadCurve returns the calibration's load curve.
func (c *Calibration) LoadCurve() LoadCurve {
	var ks, u0s, u1s []float64
	for _, a := range c.Allowances {
		cores := a.VCPU * c.VCPUFraction
		if a.Loaded == nil || !(a.CPUMsPerRequest > 0) || !(cores > 0) {
			continue
		}
		rps := a.RPS
		if rps <= 0 {
			rps = DefaultRPS
		}
		cpu := a.CPUMsPerRequest / 1e3
		ks = append(ks, a.Loaded.CPUMsPerRequest/a.CPUMsPerRequest)
		u0s, u1s = append(u0s, rps*cpu/cores), append(u1s, a.Loaded.RPS*cpu/cores)
	}
	if len(ks) == 0 {
		return LoadCurve{k: 1}
	}
	l := LoadCurve{cpu0: c.reference().CPUMsPerRequest / 1e3, k: median(ks), u0: median(u0s), u1: median(u1s)}
	if !(l.u1 > l.u0) || !(l.cpu0 > 0) {
		return LoadCurve{k: 1}
	}
	return l
}

// Ratio is the loaded-to-low CPU per request ratio the curve reaches (1: flat).
func (l LoadCurve) Ratio() float64 { return l.k }

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Factor is what a request's CPU work is multiplied by on an instance of cores host
// cores that receives rate requests per second.
func (l LoadCurve) Factor(rate, cores float64) float64 {
	if l.k == 1 || !(cores > 0) {
		return 1
	}
	u := rate * l.cpu0 / cores
	switch {
	case u <= l.u0:
		return 1
	case u >= l.u1:
		return l.k
	}
	return 1 + (l.k-1)*(u-l.u0)/(l.u1-l.u0)
}

// MeanOfPercentiles approximates a distribution's mean from its percentiles.
func MeanOfPercentiles(p []float64) float64 {
	s := 0.0
	for i := 1; i < len(p); i++ {
		s += (p[i] + p[i-1]) / 2
	}
	return s / float64(len(p)-1)
}
