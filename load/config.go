package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Executor names a workload model.
type Executor string

// The executors, one file each.
const (
	// Closed runs VUs virtual users, each sending, waiting for the answer and thinking.
	Closed Executor = "closed"
	// ConstantRate sends Rate requests per second regardless of how the server keeps up.
	ConstantRate Executor = "constant_rate"
	// RampingRate moves the arrival rate linearly through Stages, k6-style.
	RampingRate Executor = "ramping_rate"
	// BatchParallel sends Batch.Parallel requests at once, waits for all, Batch.Repeats times.
	BatchParallel Executor = "batch"
	// TraceReplay replays the arrival counts of a recorded trace file.
	TraceReplay Executor = "trace"
)

// Defaults that apply when a Config leaves a field empty; they live here and only here.
const (
	// DefaultTimeout bounds one request. 30 s is just above API Gateway's 29 s
	// integration timeout, so the slowest platform's own timeout fires first.
	DefaultTimeout = Duration(30e9)
	// DefaultMaxInflight caps open-model concurrency so that a dead server costs at
	// most this many sockets and goroutines; arrivals beyond it are counted as dropped.
	DefaultMaxInflight = 10000
	// DefaultSeed makes Poisson spacing and think times reproducible by default.
	DefaultSeed = 1
)

// Limits that reject configs which would only exhaust the machine.
const (
	maxVUs  = 100_000
	maxRate = 10_000_000
)

// Config describes one load. It is self-contained so that scenario files can embed it
// under a `load:` key; the target URL is given separately because the runner points the
// same load at each platform's front door. The executor may be left empty when exactly
// one of vus, rate, stages, batch or trace says which model is meant.
type Config struct {
	Executor Executor `yaml:"executor,omitempty" json:"executor,omitempty"`
	// VUs is the number of virtual users of the closed model.
	VUs int `yaml:"vus,omitempty" json:"vus,omitempty"`
	// Think is the pause of a closed-model user after each answer: "100ms" or "0-100ms".
	Think Think `yaml:"think,omitempty" json:"think,omitzero"`
	// Rate is the constant arrival rate in requests per second.
	Rate float64 `yaml:"rate,omitempty" json:"rate,omitempty"`
	// StartRate is the rate the first ramping stage starts from (default 0).
	StartRate float64 `yaml:"start_rate,omitempty" json:"start_rate,omitempty"`
	// Duration bounds the closed and constant-rate models (and optionally batches).
	Duration Duration `yaml:"duration,omitempty" json:"duration,omitzero"`
	// Requests bounds the closed and constant-rate models by a request count.
	Requests int64 `yaml:"requests,omitempty" json:"requests,omitempty"`
	// Stages is the ramping profile: the rate moves linearly to each target.
	Stages []Stage `yaml:"stages,omitempty" json:"stages,omitempty"`
	// Batch configures the batch executor.
	Batch *Batch `yaml:"batch,omitempty" json:"batch,omitempty"`
	// Trace is a CSV file of offset_seconds,count rows or one count per minute. Like
	// Body, a relative path is taken from the working directory; a scenario loader
	// should resolve it against the scenario file first.
	Trace string `yaml:"trace,omitempty" json:"trace,omitempty"`
	// TraceSpeedup compresses trace time: 60 replays a minute of traffic in a second.
	TraceSpeedup float64 `yaml:"trace_speedup,omitempty" json:"trace_speedup,omitempty"`
	// MaxInflight caps open-model in-flight requests (default DefaultMaxInflight).
	MaxInflight int `yaml:"max_inflight,omitempty" json:"max_inflight,omitempty"`
	// MaxConns caps the TCP connections to the target (0: no cap, one per in-flight
	// request as needed). With a cap, requests beyond it wait inside the client for a
	// connection, like wrk's fixed connections; their latency still counts from the
	// intended send time, so the wait is measured, not hidden.
	MaxConns int `yaml:"max_conns,omitempty" json:"max_conns,omitempty"`
	// Spacing places open-model arrivals: uniform (default) or poisson.
	Spacing string `yaml:"spacing,omitempty" json:"spacing,omitempty"`
	// Seed feeds Poisson spacing and random think times (default DefaultSeed).
	Seed uint64 `yaml:"seed,omitempty" json:"seed,omitempty"`
	// Timeout bounds each request (default DefaultTimeout).
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitzero"`
	// Method is the HTTP method (default GET, or POST when a body is given).
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Headers are added to every request.
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body is a file sent as the body, or a directory whose files are sent round-robin.
	Body string `yaml:"body,omitempty" json:"body,omitempty"`
	// Path is appended to the target URL's path, e.g. /predict.
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
}

// Stage is one step of a ramping profile.
type Stage struct {
	Duration Duration `yaml:"duration" json:"duration"`
	Target   float64  `yaml:"target" json:"target"`
}

// Batch is the reference studies' workload: Parallel requests at once, wait for all of
// them, Repeats times, with an optional Pause between batches.
type Batch struct {
	Parallel int      `yaml:"parallel" json:"parallel"`
	Repeats  int      `yaml:"repeats" json:"repeats"`
	Pause    Duration `yaml:"pause,omitempty" json:"pause,omitzero"`
}

// ParseConfig reads a YAML (or JSON) load config; unknown keys are errors.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("load config: %s", oneLine(err.Error()))
	}
	return c, nil
}

// ReadConfigFile reads and parses a config file; it does not validate it.
func ReadConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	c, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Kind returns the executor: the explicit one, or the one implied by the fields that
// are set ("" when none or several are).
func (c Config) Kind() Executor {
	if c.Executor != "" {
		return c.Executor
	}
	set := c.modelFields()
	if len(set) != 1 {
		return ""
	}
	return map[string]Executor{"vus": Closed, "rate": ConstantRate, "stages": RampingRate, "batch": BatchParallel, "trace": TraceReplay}[set[0]]
}

func (c Config) modelFields() []string {
	var set []string
	if c.VUs != 0 {
		set = append(set, "vus")
	}
	if c.Rate != 0 {
		set = append(set, "rate")
	}
	if len(c.Stages) > 0 {
		set = append(set, "stages")
	}
	if c.Batch != nil {
		set = append(set, "batch")
	}
	if c.Trace != "" {
		set = append(set, "trace")
	}
	return set
}

// withDefaults fills the empty fields that have defaults.
func (c Config) withDefaults() Config {
	c.Executor = c.Kind()
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxInflight == 0 {
		c.MaxInflight = DefaultMaxInflight
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.TraceSpeedup == 0 {
		c.TraceSpeedup = 1
	}
	if c.Spacing == "" {
		c.Spacing = "uniform"
	}
	if c.Method == "" {
		c.Method = http.MethodGet
		if c.Body != "" {
			c.Method = http.MethodPost
		}
	}
	return c
}

// Validate checks the config and returns the first problem, naming its field path
// (e.g. "load.stages[1].target: must be ≥ 0").
func (c Config) Validate() error {
	if err := c.validateModel(); err != nil {
		return err
	}
	return c.validateRequest()
}

func fieldErr(path, format string, args ...any) error {
	return fmt.Errorf("load.%s: %s", path, fmt.Sprintf(format, args...))
}

func (c Config) validateModel() error {
	set := c.modelFields()
	kind := c.Kind()
	switch {
	case c.Executor == "" && len(set) == 0:
		return fieldErr("executor", "no load given: set vus, rate, stages, batch or trace")
	case c.Executor == "" && len(set) > 1:
		return fieldErr("executor", "%s conflict: set only one of them, or name the executor", strings.Join(set, " and "))
	}
	switch kind {
	case Closed, ConstantRate, RampingRate, BatchParallel, TraceReplay:
	default:
		return fieldErr("executor", "%q is not an executor (want closed, constant_rate, ramping_rate, batch or trace)", kind)
	}
	if err := c.rejectForeign(kind); err != nil {
		return err
	}
	if c.Requests < 0 {
		return fieldErr("requests", "must be ≥ 0")
	}
	switch kind {
	case Closed:
		if c.VUs < 1 || c.VUs > maxVUs {
			return fieldErr("vus", "%d must be between 1 and %d", c.VUs, maxVUs)
		}
		if c.Think.Max < c.Think.Min {
			return fieldErr("think", "range %s has max below min", c.Think)
		}
		return c.needBound()
	case ConstantRate:
		if !(c.Rate > 0) || c.Rate > maxRate {
			return fieldErr("rate", "%v must be > 0 and ≤ %d requests/s", c.Rate, maxRate)
		}
		return c.needBound()
	case RampingRate:
		return c.validateStages()
	case BatchParallel:
		b := c.Batch
		switch {
		case b == nil:
			return fieldErr("batch", "missing: set parallel and repeats")
		case b.Parallel < 1 || b.Parallel > maxVUs:
			return fieldErr("batch.parallel", "%d must be between 1 and %d", b.Parallel, maxVUs)
		case b.Repeats < 1:
			return fieldErr("batch.repeats", "%d must be ≥ 1", b.Repeats)
		}
	case TraceReplay:
		if c.Trace == "" {
			return fieldErr("trace", "missing: name a CSV file of offset_seconds,count rows")
		}
		if c.TraceSpeedup < 0 || math.IsNaN(c.TraceSpeedup) || math.IsInf(c.TraceSpeedup, 0) {
			return fieldErr("trace_speedup", "%v must be > 0", c.TraceSpeedup)
		}
	}
	return nil
}

func (c Config) needBound() error {
	if c.Duration == 0 && c.Requests == 0 {
		return fieldErr("duration", "missing: a %s load needs a duration or a requests count to end", c.Kind())
	}
	return nil
}

func (c Config) validateStages() error {
	if len(c.Stages) == 0 {
		return fieldErr("stages", "missing: give at least one {duration, target}")
	}
	if c.StartRate < 0 || c.StartRate > maxRate || math.IsNaN(c.StartRate) {
		return fieldErr("start_rate", "%v must be between 0 and %d", c.StartRate, maxRate)
	}
	for i, s := range c.Stages {
		if s.Duration <= 0 {
			return fieldErr(fmt.Sprintf("stages[%d].duration", i), "must be > 0")
		}
		if !(s.Target >= 0) || s.Target > maxRate {
			return fieldErr(fmt.Sprintf("stages[%d].target", i), "must be ≥ 0 and ≤ %d requests/s", maxRate)
		}
	}
	return nil
}

// rejectForeign refuses fields that the chosen executor would silently ignore.
func (c Config) rejectForeign(kind Executor) error {
	own := map[Executor][]string{
		Closed:        {"vus", "think", "duration", "requests"},
		ConstantRate:  {"rate", "duration", "requests", "spacing", "max_inflight"},
		RampingRate:   {"stages", "start_rate", "spacing", "max_inflight"},
		BatchParallel: {"batch", "duration"},
		TraceReplay:   {"trace", "trace_speedup", "spacing", "max_inflight"},
	}[kind]
	present := map[string]bool{
		"vus": c.VUs != 0, "think": !c.Think.IsZero(), "rate": c.Rate != 0, "start_rate": c.StartRate != 0,
		"duration": c.Duration != 0, "requests": c.Requests != 0, "stages": len(c.Stages) > 0,
		"batch": c.Batch != nil, "trace": c.Trace != "", "trace_speedup": c.TraceSpeedup != 0,
		"spacing": c.Spacing != "", "max_inflight": c.MaxInflight != 0,
	}
	for _, f := range []string{"vus", "think", "rate", "start_rate", "duration", "requests", "stages", "batch", "trace", "trace_speedup", "spacing", "max_inflight"} {
		if present[f] && !contains(own, f) {
			return fieldErr(f, "does not apply to the %s executor (it uses %s)", kind, strings.Join(own, ", "))
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (c Config) validateRequest() error {
	if c.MaxInflight < 0 {
		return fieldErr("max_inflight", "%d must be ≥ 0", c.MaxInflight)
	}
	if c.MaxConns < 0 {
		return fieldErr("max_conns", "%d must be ≥ 0", c.MaxConns)
	}
	if c.Spacing != "" && c.Spacing != "uniform" && c.Spacing != "poisson" {
		return fieldErr("spacing", "%q is not a spacing (want uniform or poisson)", c.Spacing)
	}
	if c.Method != "" && !isToken(c.Method) {
		return fieldErr("method", "%q is not an HTTP method", c.Method)
	}
	for k, v := range c.Headers {
		if !isToken(k) {
			return fieldErr("headers", "%q is not a valid header name", k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return fieldErr("headers."+k, "value must be one line")
		}
	}
	if c.Path != "" && !strings.HasPrefix(c.Path, "/") {
		return fieldErr("path", "%q must start with /", c.Path)
	}
	return nil
}

// isToken reports whether s is an RFC 9110 token (method and header-name syntax).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > 0x7e || r <= ' ' || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) {
			return false
		}
	}
	return true
}
