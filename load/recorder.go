package load

import (
	"math"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/deploybench/deploybench/load/request"
	"github.com/deploybench/deploybench/load/result"
)

// sample is one finished request.
type sample struct {
	intended, sent, done time.Time
	outcome              request.Outcome
	bytes                int64
	stage                int // index into the recorder's stages, or -1
}

// stageRec accumulates one stage or batch.
type stageRec struct {
	name                      string
	start, dur                time.Duration
	target                    float64
	unscheduled               bool // a batch: no intended rate
	hist                      *hdrhistogram.Histogram
	requests, errors, dropped int64
}

// recorder turns samples into histograms and counters: overall, per stage and per
// 1-second window. One mutex guards it all; recording is a few tens of nanoseconds, far
// below the cost of the request that produced it (see BenchmarkRecord).
type recorder struct {
	mu       sync.Mutex
	start    time.Time
	latency  *hdrhistogram.Histogram // from the basis time
	service  *hdrhistogram.Histogram // from the actual send
	delay    *hdrhistogram.Histogram // from the intended to the actual send
	outcomes [request.NumOutcomes]int64
	requests int64
	errors   int64
	dropped  int64
	canceled int64
	bytes    int64
	stages   []*stageRec

	// the current window
	winStart                time.Duration
	win                     *hdrhistogram.Histogram
	winReq, winErr, winDrop int64
	winLag                  time.Duration
	// steady is latency over the windows that were not host stalls (result.Stalled).
	steady       *hdrhistogram.Histogram
	prevStalled  bool
	stallWindows int
	windows      []Window
	onWindow     func(Window)
	inFlight     func() int64
}

func newRecorder(start time.Time, stages []*stageRec, inFlight func() int64, onWindow func(Window)) *recorder {
	for _, s := range stages {
		s.hist = newHist()
	}
	return &recorder{start: start, latency: newHist(), service: newHist(), delay: newHist(), win: newHist(), steady: newHist(),
		stages: stages, inFlight: inFlight, onWindow: onWindow}
}

// record adds one finished request.
func (r *recorder) record(s sample) {
	lat := s.done.Sub(s.intended)
	svc := s.done.Sub(s.sent)
	isErr := s.outcome.IsError()
	r.mu.Lock()
	record(r.latency, lat)
	record(r.service, svc)
	record(r.win, lat)
	if !s.sent.Equal(s.intended) { // the closed model has no schedule to be late for
		lag := s.sent.Sub(s.intended)
		record(r.delay, lag)
		r.winLag = max(r.winLag, lag)
	}
	r.outcomes[s.outcome]++
	r.requests++
	r.winReq++
	r.bytes += s.bytes
	if isErr {
		r.errors++
		r.winErr++
	}
	if s.stage >= 0 && s.stage < len(r.stages) {
		st := r.stages[s.stage]
		record(st.hist, lat)
		st.requests++
		if isErr {
			st.errors++
		}
	}
	r.mu.Unlock()
}

// drop counts an arrival refused by the in-flight cap.
func (r *recorder) drop(stage int) {
	r.mu.Lock()
	r.dropped++
	r.winDrop++
	if stage >= 0 && stage < len(r.stages) {
		r.stages[stage].dropped++
	}
	r.mu.Unlock()
}

// cancel counts a request cut short by a stop.
func (r *recorder) cancel() {
	r.mu.Lock()
	r.canceled++
	r.mu.Unlock()
}

// setStageSpan records when a batch ran (ramping stages know their span up front).
func (r *recorder) setStageSpan(i int, start, dur time.Duration) {
	r.mu.Lock()
	if i >= 0 && i < len(r.stages) {
		r.stages[i].start, r.stages[i].dur = start, dur
	}
	r.mu.Unlock()
}

// rotate closes the current window at offset end (from the start) and opens the next.
// It calls onWindow outside the lock so that a slow callback cannot stall requests.
func (r *recorder) rotate(end time.Duration) Window {
	inFlight := r.inFlight()
	r.mu.Lock()
	length := (end - r.winStart).Seconds()
	w := Window{T: r.winStart.Seconds(), LengthS: round3(length), Requests: r.winReq, Errors: r.winErr, Dropped: r.winDrop, InFlight: inFlight, Latency: summarize(r.win),
		SendLagMaxMs: round3(float64(r.winLag) / 1e6)}
	if length > 0 {
		w.Rate = round3(float64(w.Requests) / length)
	}
	r.windows = append(r.windows, w)
	// The same rule as result.Stalled, decided as each window closes.
	stalled := r.winLag > result.StallLag
	if stalled || r.prevStalled {
		r.stallWindows++
	} else {
		r.steady.Merge(r.win)
	}
	r.prevStalled = stalled
	r.win.Reset()
	r.winReq, r.winErr, r.winDrop, r.winStart, r.winLag = 0, 0, 0, end, 0
	r.mu.Unlock()
	if r.onWindow != nil {
		r.onWindow(w)
	}
	return w
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// result assembles the Result once every request has finished.
func (r *recorder) result(load, elapsed time.Duration, scheduled float64) *Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := &Result{
		Started: r.start.UTC(), DurationS: round3(load.Seconds()), ElapsedS: round3(elapsed.Seconds()),
		Requests: r.requests, Errors: r.errors, Dropped: r.dropped, Canceled: r.canceled, Bytes: r.bytes,
		Latency: summarize(r.latency), ServiceLatency: summarize(r.service), SendDelay: summarize(r.delay),
		StallWindows: r.stallWindows,
		Outcomes:     map[string]int64{}, Windows: r.windows, Stages: []StageResult{},
		Histogram: encodeHist(r.latency),
	}
	if res.Windows == nil {
		res.Windows = []Window{}
	}
	if r.stallWindows > 0 {
		l := summarize(r.steady)
		res.LatencySteady = &l
	}
	for o, n := range r.outcomes {
		res.Outcomes[request.Outcome(o).String()] = n
	}
	if r.requests > 0 {
		res.ErrorRate = float64(r.errors) / float64(r.requests)
	}
	if secs := load.Seconds(); secs > 0 {
		res.RateIntended = round3(scheduled / secs)
		res.RateAchieved = round3(float64(r.requests) / secs)
		res.Throughput = round3(float64(r.requests-r.errors) / secs)
	}
	for i, s := range r.stages {
		if s.start+s.dur > load { // a stopped run cut this stage short
			s.dur = max(0, load-s.start)
		}
		sr := StageResult{Index: i, Name: s.name, StartS: round3(s.start.Seconds()), DurationS: round3(s.dur.Seconds()),
			Target: s.target, Requests: s.requests, Errors: s.errors, Dropped: s.dropped, Latency: summarize(s.hist)}
		if d := s.dur.Seconds(); d > 0 {
			sr.RateAchieved = round3(float64(s.requests) / d)
			if !s.unscheduled {
				sr.RateIntended = round3(float64(s.requests+s.dropped) / d)
			}
		}
		res.Stages = append(res.Stages, sr)
	}
	return res
}
