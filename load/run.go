package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deploybench/deploybench/load/request"
)

// Options are the hooks a caller attaches to a run; the zero value is valid.
type Options struct {
	// OnWindow, if set, receives each 1-second window as soon as it closes, from the
	// run's own goroutine (return quickly).
	OnWindow func(Window)
	// Progress, if set, receives a live progress line (rewritten in place with \r)
	// once per window; give it a terminal only.
	Progress io.Writer
	// Transport overrides the tuned HTTP transport, e.g. to add TLS settings.
	Transport http.RoundTripper

	// sampleHook sees every finished request; tests use it to check single requests.
	sampleHook func(sample)
}

// Run is a load in progress. Stop it early with Stop or by canceling the context given
// to Start; Wait returns its Result either way.
type Run struct {
	eng      *engine
	stopOnce sync.Once
	stopCh   chan struct{}
	done     chan struct{}
	res      *Result
}

// executor is one workload model: it schedules requests through the engine until its
// plan is done or ctx is canceled, returns the offset at which its load phase ended,
// and leaves waiting for in-flight requests to the engine.
type executor interface {
	run(ctx context.Context, e *engine) time.Duration
	// stages describes the stages or batches the executor reports on (may be nil).
	stages() []*stageRec
	// scheduled is the number of arrivals the schedule intended up to the end of the
	// load phase (0 for the closed model, which has no schedule).
	scheduled(e *engine) float64
	// planned is the planned length of the load, or 0 when unknown in advance.
	planned() time.Duration
}

// Start validates cfg, prepares the requests and starts sending them to target (an
// http or https URL; cfg.Path is appended to it). Every error it returns is caused by
// the input: the config, the target, or a body or trace file.
func Start(ctx context.Context, cfg Config, target string, opts Options) (*Run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	u, err := request.Target(target, cfg.Path)
	if err != nil {
		return nil, err
	}
	bodies, err := request.ReadBodies(cfg.Body)
	if err != nil {
		return nil, err
	}
	ex, err := newExecutor(cfg)
	if err != nil {
		return nil, err
	}
	transport := opts.Transport
	var own *http.Transport // closed at the end; a caller's transport is left alone
	if transport == nil {
		own = request.NewTransport(max(cfg.MaxInflight, cfg.VUs, batchParallel(cfg)), cfg.MaxConns)
		transport = own
	}
	r := &Run{stopCh: make(chan struct{}), done: make(chan struct{})}
	q := request.New(request.Spec{Method: cfg.Method, URL: u, Headers: cfg.Headers, Bodies: bodies, Timeout: cfg.Timeout.D(), Transport: transport})
	e := &engine{cfg: cfg, q: q, start: time.Now(), hook: opts.sampleHook,
		jobs: make(chan job), idle: make(chan struct{})}
	e.rec = newRecorder(e.start, ex.stages(), e.inFlight.Load, r.windowHook(opts, e, ex.planned()))
	r.eng = e
	runCtx, cancel := context.WithCancel(context.Background())
	e.ctx = runCtx
	go func() { // a stop, from either side, cancels the schedule and in-flight requests
		select {
		case <-ctx.Done():
		case <-r.stopCh:
		case <-r.done:
			return
		}
		e.interrupted.Store(true)
		cancel()
	}()
	go r.run(ex, u.String(), own, opts.Progress, cancel)
	return r, nil
}

func batchParallel(c Config) int {
	if c.Batch != nil {
		return c.Batch.Parallel
	}
	return 0
}

func newExecutor(c Config) (executor, error) {
	switch c.Executor {
	case Closed:
		return newClosed(c), nil
	case ConstantRate:
		return newConstantRate(c), nil
	case RampingRate:
		return newRampingRate(c), nil
	case BatchParallel:
		return newBatch(c), nil
	case TraceReplay:
		return newTraceReplay(c)
	}
	return nil, fmt.Errorf("load.executor: %q is not an executor", c.Executor)
}

func (r *Run) run(ex executor, target string, own *http.Transport, progress io.Writer, cancel context.CancelFunc) {
	e := r.eng
	tick := make(chan struct{})
	e.windowsDone = make(chan struct{})
	go e.windows(tick)
	loadEnd := ex.run(e.ctx, e)
	e.endSchedule()
	e.wg.Wait()
	// A stop that comes after every request has finished changes nothing.
	partial := e.interrupted.Load()
	close(tick)
	<-e.windowsDone
	elapsed := max(time.Since(e.start), loadEnd)
	if progress != nil {
		fmt.Fprint(progress, "\r\x1b[K")
	}
	res := e.rec.result(loadEnd, elapsed, ex.scheduled(e))
	res.Executor, res.Target = string(e.cfg.Executor), target
	res.Partial = partial
	res.MaxInFlight = e.maxInFlight.Load()
	res.LatencyBasis = BasisIntended
	if e.cfg.Executor == Closed {
		res.LatencyBasis = BasisSent
	}
	if own != nil {
		own.CloseIdleConnections()
	}
	r.res = res
	close(r.done)
	cancel()
}

// Stop ends the run early: no new requests, in-flight ones are canceled, and the
// Result is marked partial. It is safe to call more than once and after the end.
func (r *Run) Stop() { r.stopOnce.Do(func() { close(r.stopCh) }) }

// Done is closed when the result is ready.
func (r *Run) Done() <-chan struct{} { return r.done }

// Wait blocks until the run has ended and returns its Result.
func (r *Run) Wait() *Result {
	<-r.done
	return r.res
}

// windowHook chains the caller's OnWindow with the progress line.
func (r *Run) windowHook(opts Options, e *engine, total time.Duration) func(Window) {
	if opts.OnWindow == nil && opts.Progress == nil {
		return nil
	}
	return func(w Window) {
		if opts.Progress != nil {
			fmt.Fprint(opts.Progress, progressLine(time.Since(e.start), total, w, e.rec))
		}
		if opts.OnWindow != nil {
			opts.OnWindow(w)
		}
	}
}

func progressLine(elapsed, total time.Duration, w Window, rec *recorder) string {
	rec.mu.Lock()
	reqs, errs, drops := rec.requests, rec.errors, rec.dropped
	rec.mu.Unlock()
	of := ""
	if total > 0 {
		of = "/" + total.Round(time.Second).String()
	}
	return fmt.Sprintf("\r\x1b[K%s%s  rate %.1f/s  in-flight %d  p95 %.1fms  requests %d  errors %d  dropped %d",
		elapsed.Round(time.Second), of, w.Rate, w.InFlight, w.Latency.P95, reqs, errs, drops)
}

// engine is what executors share: the requester, the recorder, the in-flight count and
// the run's context.
type engine struct {
	cfg         Config
	q           *request.Requester
	rec         *recorder
	ctx         context.Context
	start       time.Time
	wg          sync.WaitGroup
	inFlight    atomic.Int64
	maxInFlight atomic.Int64
	interrupted atomic.Bool
	windowsDone chan struct{}
	hook        func(sample)
	jobs        chan job      // arrivals handed to idle workers (unbuffered)
	idle        chan struct{} // closed when the schedule has ended
}

// windows closes a window every second, aligned to the start, until tick is closed;
// then it closes the last, partial window.
func (e *engine) windows(stop chan struct{}) {
	defer close(e.windowsDone)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for n := time.Duration(1); ; n++ {
		select {
		case <-t.C:
			e.rec.rotate(n * time.Second)
		case <-stop:
			if end := time.Since(e.start); end > (n-1)*time.Second {
				e.rec.rotate(end)
			}
			return
		}
	}
}

// acquire counts one more request in flight; send releases it.
func (e *engine) acquire() {
	n := e.inFlight.Add(1)
	for m := e.maxInFlight.Load(); n > m && !e.maxInFlight.CompareAndSwap(m, n); m = e.maxInFlight.Load() {
	}
}

// send performs one acquired request now and records it against intended (the time
// the schedule wanted it sent; zero for the closed model, which measures from the send).
func (e *engine) send(intended time.Time, stage int) {
	sent := time.Now()
	if intended.IsZero() {
		intended = sent
	}
	o, bytes, canceled := e.q.Do(e.ctx)
	done := time.Now()
	e.inFlight.Add(-1)
	if canceled {
		e.rec.cancel()
		return
	}
	s := sample{intended: intended, sent: sent, done: done, outcome: o, bytes: bytes, stage: stage}
	e.rec.record(s)
	if e.hook != nil {
		e.hook(s)
	}
}

// job is an open-model arrival handed to a worker.
type job struct {
	intended time.Time
	stage    int
}

// fire hands an arrival to an idle worker, or starts a new worker when none is idle,
// unless MaxInflight requests are already in flight, in which case the arrival is
// counted as dropped: never queued, never delayed. The hand-off is a non-blocking send on
// an unbuffered channel, so it succeeds only if a worker is waiting right now. Workers
// outlive their request and keep their grown stacks; unlike a fixed pool, nothing
// waits in a queue and no goroutines are started before they are needed
// (BenchmarkDispatch compares the three). Only the pacing goroutine calls fire, so the
// check and the increment cannot interleave with another arrival.
func (e *engine) fire(intended time.Time, stage int) {
	if e.inFlight.Load() >= int64(e.cfg.MaxInflight) {
		e.rec.drop(stage)
		return
	}
	e.acquire()
	j := job{intended, stage}
	select {
	case e.jobs <- j:
	default:
		e.wg.Add(1)
		go e.worker(j)
	}
}

// worker sends j, then waits for further arrivals until the schedule ends.
func (e *engine) worker(j job) {
	defer e.wg.Done()
	for {
		e.send(j.intended, j.stage)
		select {
		case j = <-e.jobs:
		case <-e.idle:
			return
		}
	}
}

// endSchedule releases the idle workers once no more arrivals will come.
func (e *engine) endSchedule() { close(e.idle) }

// sleepUntil waits until t or a stop; it reports false on a stop.
func sleepUntil(ctx context.Context, timer *time.Timer, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer.Reset(d)
	select {
	case <-ctx.Done():
		timer.Stop()
		return false
	case <-timer.C:
		return true
	}
}
