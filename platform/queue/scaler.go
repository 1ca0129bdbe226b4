package queue

import (
	"context"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// BacklogSource reports the queue's backlog (jobs not yet completed).
type BacklogSource interface {
	Backlog(ctx context.Context) (int, error)
}

// Scalable is the service the scaler drives (ecs.Service implements it).
type Scalable interface {
	Desired() int
	Running() int
	SetDesired(n int)
}

// Point is one scaler datapoint: what it saw and what it decided.
type Point struct {
	At      time.Time `json:"at"`
	Backlog int       `json:"backlog"`
	Running int       `json:"running"`
	Desired int       `json:"desired"`
}

// Scaler is the service auto scaling loop: every Period of the clock it reads the
// backlog and the running count, asks the policy, and sets the desired count. A backlog it
// cannot read is missing data: no scaling on that tick.
type Scaler struct {
	clock  platform.Clock
	src    BacklogSource
	svc    Scalable
	policy BacklogPolicy
	period time.Duration
	onSet  func(reason string)

	mu      sync.Mutex
	st      PolicyState
	points  []Point
	timer   platform.Timer
	stopped bool
	busy    sync.WaitGroup
}

// NewScaler returns a stopped scaler; period is clock time (already compressed). onSet,
// when set, is told every change and why.
func NewScaler(clock platform.Clock, src BacklogSource, svc Scalable, p BacklogPolicy, period time.Duration, onSet func(string)) *Scaler {
	return &Scaler{clock: clock, src: src, svc: svc, policy: p, period: period, onSet: onSet}
}

// Start schedules the first datapoint one period from now.
func (s *Scaler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timer = s.clock.AfterFunc(s.period, s.tick)
}

// Stop ends the loop and waits for a datapoint in progress.
func (s *Scaler) Stop() {
	s.mu.Lock()
	s.stopped = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	s.busy.Wait()
}

// Points returns every datapoint so far.
func (s *Scaler) Points() []Point {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Point(nil), s.points...)
}

func (s *Scaler) tick() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.busy.Add(1)
	s.mu.Unlock()
	defer s.busy.Done()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	backlog, err := s.src.Backlog(ctx)
	cancel()
	running, desired := s.svc.Running(), s.svc.Desired()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	if err == nil {
		var next int
		var reason string
		next, s.st, reason = s.policy.Decide(s.st, backlog, running, desired)
		if next != desired {
			s.svc.SetDesired(next)
			if s.onSet != nil {
				s.onSet(reason)
			}
			desired = next
		}
		s.points = append(s.points, Point{At: s.clock.Now(), Backlog: backlog, Running: running, Desired: desired})
	}
	s.timer = s.clock.AfterFunc(s.period, s.tick)
}
