package runner

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/report"
)

// startupSplit measures every instance's start-up in the parts the report shows and
// records them as one startup event per instance once it is ready: create (the driver's
// Start: for docker, image inspect + container create + start; for a process, fork/exec
// and its cgroup), app (from there to the first healthy answer), and the image pull the
// platform modelled for that task, taken from its task_pull event (ECS platforms only).
type startupSplit struct {
	runtime   string
	timescale float64
	clock     platform.Clock
	next      func(platform.Event)

	mu    sync.Mutex
	pulls map[string]time.Duration // task → modelled pull in platform time
}

// newStartupSplit returns the splitter of one platform run on the named runtime; next
// receives every event (the platform's and the startup ones).
func newStartupSplit(runtime string, timescale float64, clock platform.Clock, next func(platform.Event)) *startupSplit {
	if !(timescale > 0) {
		timescale = 1
	}
	if clock == nil {
		clock = platform.WallClock{}
	}
	return &startupSplit{runtime: runtime, timescale: timescale, clock: clock, next: next, pulls: map[string]time.Duration{}}
}

// onEvent notes each task's pull, then passes the event on.
func (s *startupSplit) onEvent(e platform.Event) {
	if e.Kind == "task_pull" && e.Instance != "" {
		if d, ok := pullOf(e.Detail); ok {
			s.mu.Lock()
			s.pulls[e.Instance] = time.Duration(float64(d) * s.timescale)
			s.mu.Unlock()
		}
	}
	if s.next != nil {
		s.next(e)
	}
}

// pullOf reads the pull wait out of an ECS task_pull event: "image pull 1.01s", "waiting
// 0.4s for the pull under way on ci-1", or "image cached on ci-1" (no wait). The wait is
// in the run's (compressed) time.
func pullOf(detail string) (time.Duration, bool) {
	switch {
	case strings.HasPrefix(detail, "image cached"):
		return 0, true
	case strings.HasPrefix(detail, "image pull "):
		d, err := time.ParseDuration(strings.TrimPrefix(detail, "image pull "))
		return d, err == nil && d >= 0
	case strings.HasPrefix(detail, "waiting "):
		f := strings.Fields(detail)
		if len(f) < 2 {
			return 0, false
		}
		d, err := time.ParseDuration(f[1])
		return d, err == nil && d >= 0
	}
	return 0, false
}

// driver wraps d so that the machines it starts report their split.
func (s *startupSplit) driver(d fleet.Driver) fleet.Driver { return splitDriver{d, s} }

type splitDriver struct {
	fleet.Driver
	s *startupSplit
}

// Start times the driver's Start (the create part).
func (d splitDriver) Start(ctx context.Context, spec fleet.MachineSpec) (fleet.Machine, error) {
	t0 := time.Now()
	m, err := d.Driver.Start(ctx, spec)
	if err != nil {
		return nil, err
	}
	return &splitMachine{Machine: m, s: d.s, id: spec.Name, create: time.Since(t0), started: time.Now()}, nil
}

// splitMachine records its startup event the first time it is ready.
type splitMachine struct {
	fleet.Machine
	s       *startupSplit
	id      string
	create  time.Duration
	started time.Time
	once    sync.Once
}

// WaitReady passes through, and on the first success emits the startup event.
func (m *splitMachine) WaitReady(ctx context.Context) error {
	if err := m.Machine.WaitReady(ctx); err != nil {
		return err
	}
	m.once.Do(func() {
		sp := report.StartupSplit{Runtime: m.s.runtime, Create: m.create, App: time.Since(m.started)}
		m.s.mu.Lock()
		sp.Pull, sp.Pulls = m.s.pulls[m.id]
		delete(m.s.pulls, m.id)
		m.s.mu.Unlock()
		m.s.onEvent(platform.Event{At: m.s.clock.Now(), Kind: report.StartupEventKind, Instance: m.id, Detail: sp.Detail()})
	})
	return nil
}
