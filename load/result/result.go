package result

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// The latency bases: what the latency of a request is measured from.
const (
	// BasisIntended measures from the time the schedule said to send (open model and
	// batches): queueing in a stalled server counts, as a user would feel it.
	BasisIntended = "intended_send_time"
	// BasisSent measures from the moment the request was actually sent (closed model,
	// which has no schedule).
	BasisSent = "send_time"
)

// OutcomeKeys are the keys of Result.Outcomes in report order: status classes (429 and
// 502/503/504 apart from the other 4xx and 5xx), then client-side failures.
var OutcomeKeys = []string{"2xx", "3xx", "4xx", "429", "5xx", "502", "503", "504", "timeout", "refused", "error"}

// Result is the outcome of one load run. Its JSON form is the file `--out` writes, the
// report re-reads (ReadJSON) and the runner stores per platform. Executor names the
// workload model (closed, constant_rate, ramping_rate, batch or trace).
type Result struct {
	Executor string    `json:"executor"`
	Target   string    `json:"target"`
	Started  time.Time `json:"started"`
	// DurationS is the length of the load phase in seconds (until the schedule ended or
	// the run was stopped); ElapsedS adds the drain of the last in-flight requests.
	DurationS float64 `json:"duration_s"`
	ElapsedS  float64 `json:"elapsed_s"`
	// Partial is true when the run was stopped before its planned end.
	Partial bool `json:"partial"`
	// Requests counts requests that got an outcome (errors included); Dropped counts
	// open-model arrivals refused by the in-flight cap; Canceled counts requests cut
	// short by a stop and recorded nowhere else.
	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors"`
	Dropped   int64   `json:"dropped"`
	Canceled  int64   `json:"canceled"`
	ErrorRate float64 `json:"error_rate"`
	// RateIntended is the scheduled arrival rate (requests + dropped per second of the
	// load phase; 0 for the closed model, which has no schedule); RateAchieved is
	// requests per second of the load phase; Throughput counts only non-errors.
	RateIntended float64 `json:"rate_intended"`
	RateAchieved float64 `json:"rate_achieved"`
	Throughput   float64 `json:"throughput"`
	// LatencyBasis says what Latency is measured from (BasisIntended or BasisSent);
	// ServiceLatency is always measured from the actual send, so the difference
	// between the two is time the request spent waiting in the client.
	LatencyBasis   string  `json:"latency_basis"`
	Latency        Latency `json:"latency_ms"`
	ServiceLatency Latency `json:"service_latency_ms"`
	// SendDelay is how late requests left the client against their intended send time
	// (open model and batches): the client's own share of Latency. It stays below about
	// a millisecond on a healthy machine, because Go's timers wake with millisecond
	// granularity; much more means the machine running the load is overloaded.
	SendDelay Latency `json:"send_delay_ms"`
	// StallWindows counts the windows that were host stalls (see Stalled), and
	// LatencySteady, set when there were any, is Latency over the other windows: what
	// the service did while the machine running it and the load was not starved.
	StallWindows  int              `json:"stall_windows,omitempty"`
	LatencySteady *Latency         `json:"latency_steady_ms,omitempty"`
	Outcomes      map[string]int64 `json:"outcomes"`
	Bytes         int64            `json:"bytes"`
	MaxInFlight   int64            `json:"max_in_flight"`
	Stages        []StageResult    `json:"stages"`
	Windows       []Window         `json:"windows"`
	// Histogram is the overall Latency histogram in microseconds, HdrHistogram V2
	// compressed base64 (see DecodeHistogram), for exact merging across runs.
	Histogram string `json:"histogram,omitempty"`
}

// StageResult summarises one ramping stage or one batch.
type StageResult struct {
	Index        int     `json:"index"`
	Name         string  `json:"name"`
	StartS       float64 `json:"start_s"`
	DurationS    float64 `json:"duration_s"`
	Target       float64 `json:"target,omitempty"`
	Requests     int64   `json:"requests"`
	Errors       int64   `json:"errors"`
	Dropped      int64   `json:"dropped"`
	RateIntended float64 `json:"rate_intended"`
	RateAchieved float64 `json:"rate_achieved"`
	Latency      Latency `json:"latency_ms"`
}

// Window is one second of the run, by completion time: what finished in it, what was
// dropped in it and how many requests were in flight at its end.
type Window struct {
	T float64 `json:"t"`
	// LengthS is the window's length: 1 except for the last window, which ends with the
	// last answer, so its Rate is per second of that shorter span.
	LengthS  float64 `json:"length_s"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	Dropped  int64   `json:"dropped"`
	Rate     float64 `json:"rate"`
	InFlight int64   `json:"in_flight"`
	Latency  Latency `json:"latency_ms"`
	// SendLagMaxMs is the most any open-model request finished in the window was sent
	// after its scheduled time: near zero unless the generator itself was starved of CPU,
	// which on a shared host marks seconds whose latencies say more about the host than
	// about the service.
	SendLagMaxMs float64 `json:"send_lag_max_ms,omitempty"`
}

// StallLag is the send lag that marks a window as a host stall: the generator sent some
// request of it this much later than its schedule said, so the machine itself was short
// of CPU (a shared host's other work), not only the service under test. A healthy
// generator is late by well under a millisecond.
const StallLag = 20 * time.Millisecond

// Stalled reports, for each window, whether it is left out of LatencySteady: a window
// whose send lag exceeds StallLag, and the window after it, which serves the backlog
// the stall left.
func Stalled(ws []Window) []bool {
	out := make([]bool, len(ws))
	lim := float64(StallLag) / float64(time.Millisecond)
	for i, w := range ws {
		if w.SendLagMaxMs > lim {
			out[i] = true
			if i+1 < len(out) {
				out[i+1] = true
			}
		}
	}
	return out
}

// WriteJSON writes r as indented JSON.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadJSON reads a Result written by WriteJSON and checks that it is coherent.
func ReadJSON(rd io.Reader) (*Result, error) {
	var r Result
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("load result: %v", err)
	}
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("load result: %v", err)
	}
	return &r, nil
}

func (r *Result) check() error {
	for name, v := range map[string]int64{"requests": r.Requests, "errors": r.Errors, "dropped": r.Dropped, "canceled": r.Canceled, "bytes": r.Bytes, "max_in_flight": r.MaxInFlight} {
		if v < 0 {
			return fmt.Errorf("%s is negative", name)
		}
	}
	if r.Errors > r.Requests {
		return fmt.Errorf("errors (%d) exceed requests (%d)", r.Errors, r.Requests)
	}
	for name, v := range map[string]float64{"duration_s": r.DurationS, "elapsed_s": r.ElapsedS, "rate_intended": r.RateIntended, "rate_achieved": r.RateAchieved, "throughput": r.Throughput, "error_rate": r.ErrorRate} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s is %v", name, v)
		}
	}
	for k, v := range r.Outcomes {
		if v < 0 {
			return fmt.Errorf("outcomes.%s is negative", k)
		}
	}
	for i, w := range r.Windows {
		if w.T < 0 || w.LengthS < 0 || w.Requests < 0 || w.Errors < 0 || w.Dropped < 0 || w.InFlight < 0 || w.Rate < 0 {
			return fmt.Errorf("windows[%d] has negative values", i)
		}
	}
	for i, s := range r.Stages {
		if s.Requests < 0 || s.Errors < 0 || s.Dropped < 0 || s.DurationS < 0 {
			return fmt.Errorf("stages[%d] has negative values", i)
		}
	}
	return nil
}

// csvHeader names the columns of the window series.
var csvHeader = []string{"t", "length_s", "requests", "errors", "dropped", "rate", "in_flight",
	"min_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms"}

// WindowWriter writes the window series as CSV one window at a time, so that a live run
// can stream it to disk as it is measured.
type WindowWriter struct{ cw *csv.Writer }

// NewWindowWriter writes the CSV header to w and returns a writer for the rows.
func NewWindowWriter(w io.Writer) (*WindowWriter, error) {
	ww := &WindowWriter{cw: csv.NewWriter(w)}
	_ = ww.cw.Write(csvHeader)
	ww.cw.Flush()
	return ww, ww.cw.Error()
}

// Write writes one window and flushes it.
func (ww *WindowWriter) Write(win Window) error {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	i := func(v int64) string { return strconv.FormatInt(v, 10) }
	l := win.Latency
	_ = ww.cw.Write([]string{f(win.T), f(win.LengthS), i(win.Requests), i(win.Errors), i(win.Dropped), f(win.Rate), i(win.InFlight),
		f(l.Min), f(l.P50), f(l.P90), f(l.P95), f(l.P99), f(l.P999), f(l.Max), f(l.Mean)})
	ww.cw.Flush()
	return ww.cw.Error()
}

// WriteCSV writes the per-second window series, one row per window.
func (r *Result) WriteCSV(w io.Writer) error {
	ww, err := NewWindowWriter(w)
	for _, win := range r.Windows {
		if err != nil {
			return err
		}
		err = ww.Write(win)
	}
	return err
}
