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
	// Allowances are the per-allowance measurements, smallest first.
	Allowances []Allowance `json:"allowances"`
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
}

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
	case c.VCPUFraction < 0 || c.HostCores < 0:
		return errors.New("calibration: vcpu_fraction and host_cores must be ≥ 0")
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

// MeanOfPercentiles approximates a distribution's mean from its percentiles.
func MeanOfPercentiles(p []float64) float64 {
	s := 0.0
	for i := 1; i < len(p); i++ {
		s += (p[i] + p[i-1]) / 2
	}
	return s / float64(len(p)-1)
}
