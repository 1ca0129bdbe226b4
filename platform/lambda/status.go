package lambda

import (
	"slices"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
)

// Stats is the pool's state and history for reports: cold starts with their INIT
// percentiles, concurrency, throttles.
type Stats struct {
	// Busy environments serve a request now (the function's concurrency, with Initing);
	// Idle ones are warm; Initing ones run INIT for a waiting request.
	Busy    int `json:"busy"`
	Idle    int `json:"idle"`
	Initing int `json:"initing"`
	// PeakConcurrency is the most requests in flight at once so far.
	PeakConcurrency int `json:"peak_concurrency"`
	// ColdStarts counts on-demand cold starts; InitP50 and InitMax summarise their
	// measured INIT durations.
	ColdStarts int64         `json:"cold_starts"`
	InitP50    time.Duration `json:"init_p50"`
	InitMax    time.Duration `json:"init_max"`
	// Throttles and Timeouts as in Meter.
	Throttles int64 `json:"throttles"`
	Timeouts  int64 `json:"timeouts"`
}

// Status is the capacity view for timelines: Desired and InService count warm
// environments (busy + idle), Pending those in INIT; CPU is the average measured
// utilisation, as a percentage of their vCPU share, of environments busy during the last
// sampling interval; MemoryMiB the total measured memory.
func (p *Pool) Status() platform.Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	warm, pending := 0, 0
	for _, e := range p.envs {
		switch e.state {
		case stateIdle, stateBusy:
			warm++
		case stateInit:
			pending++
		}
	}
	return platform.Status{
		At: p.o.Clock.Now(), Desired: warm, InService: warm, Pending: pending,
		CPU: p.cpuPct, MemoryMiB: p.memMiB,
	}
}

// Stats returns the pool's counters and INIT percentiles.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{
		Busy: p.busy, Idle: len(p.idleOD) + len(p.idleProv), Initing: p.initing, PeakConcurrency: p.peak,
		ColdStarts: p.meter.ColdStarts, Throttles: p.meter.Throttles, Timeouts: p.meter.Timeouts,
	}
	if n := len(p.inits); n > 0 {
		sorted := slices.Clone(p.inits)
		slices.Sort(sorted)
		s.InitP50 = sorted[(n-1)/2]
		s.InitMax = sorted[n-1]
	}
	return s
}

// Concurrency is the number of requests in flight now (busy environments and those in
// INIT for a request): what Lambda's ConcurrentExecutions metric counts.
func (p *Pool) Concurrency() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.busy + p.initing
}

// Meter returns the billing record so far; provisioned concurrency counts as enabled up
// to now while the pool runs.
func (p *Pool) Meter() Meter {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.meter
	if !p.closed && !p.started.IsZero() {
		m.ProvisionedEnabled = p.o.Clock.Now().Sub(p.started)
	}
	if m.ProvisionedConcurrency == 0 {
		m.ProvisionedEnabled = 0
	}
	return m
}

// Events returns the pool's events so far, in order.
func (p *Pool) Events() []platform.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.events)
}

// sample measures every environment's CPU and memory (off the lock: sampling reads the
// machine) and reschedules itself.
func (p *Pool) sample() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	type probe struct {
		e *Env
		m fleet.Machine
	}
	var probes []probe
	for _, e := range p.envs {
		if e.machine != nil && (e.state == stateIdle || e.state == stateBusy) {
			probes = append(probes, probe{e, e.machine})
		}
	}
	p.mu.Unlock()
	// In creation order, not the map's: the sum's rounding, and so a simulated run, repeats.
	slices.SortFunc(probes, func(a, b probe) int { return a.e.seq - b.e.seq })
	samples := make([]fleet.Sample, len(probes))
	oks := make([]bool, len(probes))
	for i, pr := range probes {
		s, err := pr.m.Sample()
		samples[i], oks[i] = s, err == nil
	}
	p.mu.Lock()
	var sum float64
	var n int
	var mem uint64
	for i, pr := range probes {
		e := pr.e
		if !oks[i] || e.state == stateGone {
			continue
		}
		s := samples[i]
		mem += s.MemoryBytes
		if e.hasPrev {
			if dt := s.At.Sub(e.prev.At).Seconds(); dt > 0 && p.vcpu > 0 {
				e.cpuPct = 100 * (s.CPUSeconds - e.prev.CPUSeconds) / (dt * p.vcpu)
			}
			if e.busySeen {
				sum += e.cpuPct
				n++
			}
		}
		e.prev, e.hasPrev = s, true
		e.busySeen = e.state == stateBusy
	}
	if n > 0 {
		p.cpuPct = sum / float64(n)
	} else {
		p.cpuPct = 0
	}
	p.memMiB = float64(mem) / (1 << 20)
	if !p.closed {
		p.sampler = p.o.Clock.AfterFunc(p.o.SampleInterval, p.sample)
	}
	p.mu.Unlock()
}

// sortEvents orders events by time, keeping the order of simultaneous ones.
func sortEvents(evs []platform.Event) {
	slices.SortStableFunc(evs, func(a, b platform.Event) int { return a.At.Compare(b.At) })
}
