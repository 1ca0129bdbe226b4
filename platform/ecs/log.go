package ecs

import (
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// Log is a platform's timeline: every task, instance, target and scaling event, in order,
// stamped with the platform clock. The service, the cluster and the controllers write to
// one Log so that a report reads one story.
type Log struct {
	clock platform.Clock
	on    func(platform.Event)

	mu      sync.Mutex
	events  []platform.Event
	changed chan struct{}
}

// NewLog returns an empty log on clock; onEvent, when set, receives every event as it is
// recorded (it must not call back into the platform).
func NewLog(clock platform.Clock, onEvent func(platform.Event)) *Log {
	return &Log{clock: clock, on: onEvent, changed: make(chan struct{})}
}

// Emit records an event now.
func (l *Log) Emit(kind, id, detail string) {
	l.add(platform.Event{At: l.clock.Now(), Kind: kind, Instance: id, Detail: detail})
}

func (l *Log) add(e platform.Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
	if l.on != nil {
		l.on(e)
	}
}

// Events returns a copy of every event so far.
func (l *Log) Events() []platform.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]platform.Event(nil), l.events...)
}

// Changed returns a channel closed at the next event: check a condition, then wait on it.
func (l *Log) Changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed
}

// fmtDur prints a duration rounded for timelines.
func fmtDur(d time.Duration) string {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}
