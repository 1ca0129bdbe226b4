package results

import (
	"time"
)

// FormatVersion is the version of the results layout; readers refuse newer ones.
const FormatVersion = 1

// SourceAWS marks a Run measured on real AWS resources (Run.Source).
const SourceAWS = "aws"

// Run is a whole comparison run: what was run, how, and one summary per platform.
type Run struct {
	FormatVersion int    `json:"format_version"`
	Scenario      string `json:"scenario"`
	Description   string `json:"description,omitempty"`
	Mode          string `json:"mode"` // "live" or "simulated"
	// Source says where the platforms ran: empty for this machine (emulated or
	// simulated), SourceAWS for real AWS resources created by `deploybench aws run`.
	Source  string    `json:"source,omitempty"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended,omitzero"`
	// Partial is true while the run is in progress and stays true if it was interrupted.
	Partial bool `json:"partial"`
	// Assumptions the numbers depend on; the report states them.
	Assumptions Assumptions `json:"assumptions"`
	// SLO is the service-level objective platforms are judged by, e.g. "p95<300ms,errors<1%".
	SLO string `json:"slo,omitempty"`
	// Load describes the load every platform received, in words.
	Load      string     `json:"load,omitempty"`
	Platforms []Platform `json:"platforms"`
	// BreakEven is monthly cost vs traffic per platform, for the break-even chart.
	BreakEven *BreakEven `json:"break_even,omitempty"`
}

// Assumptions are the knobs that make a local run differ from AWS; reports state them.
type Assumptions struct {
	Timescale    float64 `json:"timescale"`
	VCPUFraction float64 `json:"vcpu_fraction"`
	Limits       string  `json:"limits,omitempty"`
	Region       string  `json:"region"`
	PriceSource  string  `json:"price_source,omitempty"`
	PriceDate    string  `json:"price_date,omitempty"`
	// Traffic is the production traffic monthly costs are projected for, in words.
	Traffic string `json:"traffic,omitempty"`
	// TrafficPerMonth is the same traffic as requests per 30-day month.
	TrafficPerMonth float64 `json:"traffic_per_month,omitempty"`
}

// Platform summarises one platform's run.
type Platform struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Size    string `json:"size"` // instance type, Fargate size or Lambda memory
	Runtime string `json:"runtime,omitempty"`
	// Status is "ok", "partial" (interrupted) or "failed".
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`

	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors"`
	ErrorRate float64 `json:"error_rate"`
	// Latency percentiles in milliseconds over the whole run.
	LatencyMs Percentiles `json:"latency_ms"`
	// StallSeconds counts the seconds left out of LatencySteadyMs as host stalls (the
	// load generator itself was starved: see load.Stalled); LatencySteadyMs, set when
	// there were any, is the latency over the other seconds. A simulation validated
	// against a live run leaves out the live run's stall seconds too.
	StallSeconds    int          `json:"stall_seconds,omitempty"`
	LatencySteadyMs *Percentiles `json:"latency_steady_ms,omitempty"`
	// RateAchieved is the mean achieved request rate (req/s).
	RateAchieved float64 `json:"rate_achieved"`

	ColdStarts int64 `json:"cold_starts"`
	// ScaleOutSeconds is the time from the first demand step to added capacity in service;
	// negative when no scale-out happened.
	ScaleOutSeconds float64 `json:"scale_out_s"`
	PeakCapacity    int     `json:"peak_capacity"`
	// BilledSeconds is the billed compute time (instance-, task- or function-seconds).
	BilledSeconds float64 `json:"billed_s"`
	// RunCost is the cost of this run in dollars; HourlyAtPeak is $/hour at the peak
	// capacity; PerMillion is dollars per million requests served; Monthly is the projected
	// monthly cost for the scenario's production traffic.
	RunCost      float64 `json:"run_cost"`
	HourlyAtPeak float64 `json:"hourly_at_peak"`
	PerMillion   float64 `json:"per_million"`
	Monthly      float64 `json:"monthly"`

	SLOMet        bool     `json:"slo_met"`
	SLOViolations []string `json:"slo_violations,omitempty"`
	// Notes are short facts worth showing (e.g. "credits exhausted at 00:41").
	Notes []string `json:"notes,omitempty"`
}

// Percentiles holds latency percentiles in milliseconds.
type Percentiles struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Point is one second of a platform's timeline.
type Point struct {
	T         float64 `json:"t"` // seconds since the platform's load started
	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors"`
	P50       float64 `json:"p50_ms"`
	P95       float64 `json:"p95_ms"`
	P99       float64 `json:"p99_ms"`
	Capacity  int     `json:"capacity"`
	Pending   int     `json:"pending"`
	CPU       float64 `json:"cpu_pct"`
	CostSoFar float64 `json:"cost"`
}

// BreakEven is monthly cost as a function of traffic, per platform.
type BreakEven struct {
	// Traffic levels in requests per month.
	Traffic []float64 `json:"traffic"`
	// Series maps a platform label to one monthly cost per traffic level.
	Series []Series `json:"series"`
	// Flips lists the traffic levels where the cheapest option changes.
	Flips []Flip `json:"flips,omitempty"`
}

// Series is one line of a chart.
type Series struct {
	Label  string    `json:"label"`
	Values []float64 `json:"values"`
}

// Flip is a traffic level where the cheapest platform changes.
type Flip struct {
	TrafficPerMonth float64 `json:"traffic_per_month"`
	From            string  `json:"from"`
	To              string  `json:"to"`
}
