package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/deploybench/deploybench/mnist"
	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/runtime"
	"github.com/deploybench/deploybench/scenario"
)

// Options configures a run.
type Options struct {
	// OutDir is the results directory (created if missing).
	OutDir string
	// ScenarioYAML is the scenario as written, echoed into the results.
	ScenarioYAML []byte
	// Progress receives one progress line per second (a terminal), or nil for none.
	Progress io.Writer
	// Log receives notes: phases, fallbacks, per-platform outcomes.
	Log io.Writer
	// SelfExe is the deploybench binary the built-in app runs as; default os.Executable.
	SelfExe string
	// HostCores overrides the host core count for the capacity check.
	HostCores float64
	// NewBackend creates the runtime backend named by the scenario; default: the process
	// backend.
	NewBackend func(name string, vcpuFraction float64, log io.Writer) (runtime.Backend, error)
	// Catalog prices the run; default the embedded catalog.
	Catalog *pricing.Catalog
}

// ErrInterrupted is returned when the context ended mid-run; the results directory then
// holds what was measured, marked partial.
var ErrInterrupted = errors.New("run interrupted; partial results kept")

type prepared struct {
	sp    scenario.Platform
	built *Built
	sink  *eventSink
}

// Plan is a scenario ready to run: every platform built (nothing started yet), the host
// capacity checked, request bodies prepared. Close releases it.
type Plan struct {
	s        *scenario.Scenario
	o        Options
	cat      *pricing.Catalog
	book     *pricing.Book
	phases   []phase
	preps    []prepared
	backends map[string]runtime.Backend
	limits   []string
	tmp      string
}

// Close stops the backends and removes the plan's temporary files.
func (p *Plan) Close() {
	for _, b := range p.backends {
		b.Close()
	}
	if p.tmp != "" {
		os.RemoveAll(p.tmp)
	}
}

// Prepare checks everything that can be checked before anything runs: the region, the
// load, every platform's settings, the host capacity. Errors caused by the scenario wrap
// scenario.ErrInvalid.
func Prepare(s *scenario.Scenario, o Options) (_ *Plan, err error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.SelfExe == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("runner: cannot find the deploybench binary for the built-in app: %w", err)
		}
		o.SelfExe = exe
	}
	p := &Plan{s: s, o: o, cat: o.Catalog, backends: map[string]runtime.Backend{}}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if p.cat == nil {
		if p.cat, err = pricing.Embedded(); err != nil {
			return nil, err
		}
	}
	if p.book, err = p.cat.Book(s.Region); err != nil {
		return nil, fmt.Errorf("%w: region: %v", scenario.ErrInvalid, err)
	}
	if p.phases, err = loadPhases(s); err != nil {
		return nil, err
	}
	if err := checkSLOSyntax(s); err != nil {
		return nil, err
	}
	app, err := appSpec(s, o.SelfExe)
	if err != nil {
		return nil, err
	}
	if p.tmp, err = os.MkdirTemp("", "deploybench-run-"); err != nil {
		return nil, err
	}
	bodies := ""
	for i := range p.phases {
		lc := &p.phases[i].load
		if s.App.Builtin != "" && lc.Body == "" {
			if bodies == "" {
				bodies = filepath.Join(p.tmp, "digits")
				if err := os.Mkdir(bodies, 0o755); err != nil {
					return nil, err
				}
				if err := mnist.WriteDigitPNGs(bodies, 200); err != nil {
					return nil, fmt.Errorf("runner: request bodies: %w", err)
				}
			}
			lc.Body = bodies
			lc.Headers = withHeader(lc.Headers, "Content-Type", "image/png")
		}
		if lc.Path == "" {
			lc.Path = s.App.Path
		}
	}
	newBackend := o.NewBackend
	if newBackend == nil {
		newBackend = defaultBackend
	}
	maxVCPU := map[string]float64{}
	hints := map[string]string{}
	for i, sp := range s.Platforms {
		f, err := factoryFor(sp.Kind)
		if err != nil {
			return nil, fmt.Errorf("%w: platforms[%d].kind: %v", scenario.ErrInvalid, i, err)
		}
		rt := s.RuntimeOf(sp)
		if p.backends[rt] == nil {
			b, err := newBackend(rt, s.VCPUFraction, o.Log)
			if err != nil {
				return nil, fmt.Errorf("runtime %s: %w", rt, err)
			}
			p.backends[rt] = b
			if err := prepareImage(context.Background(), b, app, s.App.HandlerType, s.Resolve(s.App.ImageArchive)); err != nil {
				return nil, fmt.Errorf("%w: %v", scenario.ErrInvalid, err)
			}
		}
		sink := &eventSink{}
		d := Deps{Clock: platform.WallClock{}, Backend: p.backends[rt], App: app, Timescale: s.Timescale, VCPUFraction: s.VCPUFraction,
			StartupTimeout: time.Duration(s.App.StartupTimeout), HandlerType: s.App.HandlerType, Book: p.book, Log: o.Log, OnEvent: sink.emit}
		built, err := f(sp.Name, &sp.Settings, d)
		if err != nil {
			return nil, fmt.Errorf("%w: platforms[%d] (%s).settings: %v", scenario.ErrInvalid, i, sp.Name, err)
		}
		p.preps = append(p.preps, prepared{sp, built, sink})
		maxVCPU[sp.Name] = built.MaxVCPU
		hints[sp.Name] = built.MaxVCPUHint
	}
	if err := CheckCapacity(maxVCPU, hints, s.VCPUFraction, o.HostCores); err != nil {
		return nil, fmt.Errorf("%w: %v", scenario.ErrInvalid, err)
	}
	for name, b := range p.backends {
		p.limits = append(p.limits, name+": "+b.Limits())
	}
	sort.Strings(p.limits)
	return p, nil
}

// Run runs every platform of the scenario in turn and writes the results directory. On
// interruption the directory keeps what was measured, marked partial, and ErrInterrupted
// is returned (wrapped).
func Run(ctx context.Context, s *scenario.Scenario, o Options) (*results.Run, error) {
	p, err := Prepare(s, o)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	return p.Run(ctx)
}

// Run runs the plan.
func (p *Plan) Run(ctx context.Context) (*results.Run, error) {
	s, o, book, preps := p.s, p.o, p.book, p.preps
	var loads []string
	for _, ph := range p.phases {
		d := describeLoad(ph.load)
		if ph.name != "" {
			d = ph.name + ": " + d
		}
		loads = append(loads, d)
	}
	run := results.Run{
		Scenario: s.Name, Description: s.Description, Mode: "live", Started: time.Now().UTC(), SLO: s.SLO,
		Load: strings.Join(loads, "; "),
		Assumptions: results.Assumptions{Timescale: s.Timescale, VCPUFraction: s.VCPUFraction, Limits: strings.Join(p.limits, "; "),
			Region: s.Region, PriceSource: priceSource(p.cat), PriceDate: priceDate(p.cat), Traffic: s.TrafficText(), TrafficPerMonth: s.TrafficPerMonth()},
	}
	for _, l := range p.limits {
		fmt.Fprintf(o.Log, "runtime %s\n", l)
	}
	dir, err := results.Create(o.OutDir, run)
	if err != nil {
		return nil, err
	}
	if len(o.ScenarioYAML) > 0 {
		if err := dir.WriteFile("scenario.yaml", o.ScenarioYAML); err != nil {
			return nil, err
		}
	}
	var interrupted bool
	var measured []measuredWorkload
	for i, pp := range preps {
		if ctx.Err() != nil {
			interrupted = true
			break
		}
		fmt.Fprintf(o.Log, "[%d/%d] %s (%s, %s)\n", i+1, len(preps), pp.sp.Name, pp.sp.Kind, pp.built.Size)
		rows, w := runPlatform(ctx, s, o, dir, pp, p.phases, book, s.RuntimeOf(pp.sp))
		for _, pr := range rows {
			measured = append(measured, measuredWorkload{pr, w, pp.built})
			run.Platforms = append(run.Platforms, pr)
			if pr.Status == "partial" {
				interrupted = true
			}
		}
		if err := dir.WriteRun(run); err != nil {
			return &run, err
		}
		if interrupted {
			break
		}
	}
	if w, ok := bestWorkload(measured); ok {
		be, err := breakEven(s, run, w, book)
		if err != nil {
			fmt.Fprintf(o.Log, "break-even: %v\n", err)
		}
		run.BreakEven = be
	}
	run.Ended = time.Now().UTC()
	run.Partial = interrupted
	if err := dir.WriteRun(run); err != nil {
		return &run, err
	}
	if interrupted {
		return &run, ErrInterrupted
	}
	return &run, nil
}

type measuredWorkload struct {
	pr    results.Platform
	w     projection.Workload
	built *Built
}

// bestWorkload picks the per-request workload to project with: from the instance-based
// platform that served the most requests (its CPU is measured per instance), falling
// back to any measurement.
func bestWorkload(ms []measuredWorkload) (projection.Workload, bool) {
	best, ok := projection.Workload{}, false
	var served int64 = -1
	for _, m := range ms {
		if m.w.Validate() != nil || m.pr.Status == "failed" || m.built.PerRequest {
			continue
		}
		if n := m.pr.Requests - m.pr.Errors; n > served {
			best, served, ok = m.w, n, true
		}
	}
	return best, ok
}

func defaultBackend(name string, fraction float64, log io.Writer) (runtime.Backend, error) {
	if name == "process" {
		return newProcessBackend(fraction, log)
	}
	if f, ok := extraBackends[name]; ok {
		return f(fraction, log)
	}
	return nil, fmt.Errorf("%w: runtime: %q is not available in this build (use process)", scenario.ErrInvalid, name)
}

func withHeader(h map[string]string, k, v string) map[string]string {
	out := map[string]string{}
	for hk, hv := range h {
		out[hk] = hv
	}
	for hk := range out {
		if strings.EqualFold(hk, k) {
			return out
		}
	}
	out[k] = v
	return out
}

// timeline accumulates what the runner samples each second.
type timeline struct {
	mu          sync.Mutex
	unitVCPU    float64
	cpuVCPUSecs float64 // ∑ CPU% × in-service units × vCPUs × dt: CPU used, in vCPU-seconds
	memPerUnit  float64 // ∑ memory per running unit (MiB) over samples
	memSamples  int
	initial     int
	demandAt    float64 // first time desired exceeded the initial capacity
	readyAt     float64 // first time in-service exceeded the initial capacity
	peak        int
	unitSecs    float64 // ∑ in-service capacity × seconds, for throughput per unit
	lastT       float64
	lastInServ  int
}

func (tl *timeline) observe(t float64, st platform.Status) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if st.Desired > tl.initial && tl.demandAt < 0 {
		tl.demandAt = t
	}
	if st.InService > tl.initial && tl.readyAt < 0 && tl.demandAt >= 0 {
		tl.readyAt = t
	}
	if st.InService > tl.peak {
		tl.peak = st.InService
	}
	if t > tl.lastT {
		tl.unitSecs += float64(tl.lastInServ) * (t - tl.lastT)
		tl.cpuVCPUSecs += st.CPU / 100 * float64(st.InService) * tl.unitVCPU * (t - tl.lastT)
	}
	if n := st.InService + st.Pending + st.Draining; n > 0 && st.MemoryMiB > 0 {
		tl.memPerUnit += st.MemoryMiB / float64(n)
		tl.memSamples++
	}
	tl.lastT, tl.lastInServ = t, st.InService
}

func (tl *timeline) scaleOut() float64 {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.demandAt < 0 || tl.readyAt < 0 {
		return -1
	}
	return tl.readyAt - tl.demandAt
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

var _ = goruntime.NumCPU
