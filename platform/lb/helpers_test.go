package lb

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeProber answers health checks from a table the test edits: a missing entry is a
// success. It counts probes per target.
type fakeProber struct {
	mu     sync.Mutex
	result map[string]error
	probes map[string]int
}

func newFakeProber() *fakeProber {
	return &fakeProber{result: map[string]error{}, probes: map[string]int{}}
}

func (p *fakeProber) set(id string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.result[id] = err
}

func (p *fakeProber) Probe(_ context.Context, t Target) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.probes[t.ID]++
	return p.result[t.ID]
}

func (p *fakeProber) count(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.probes[id]
}

// eventLog collects observer events.
type eventLog struct {
	mu  sync.Mutex
	evs []Event
}

func (l *eventLog) observe(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, e)
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.evs...)
}

// newBalancer returns a balancer on a fake clock at t0, closed at test end.
func newBalancer(t testing.TB, cfg Config, p Prober) (*Balancer, *clocktest.Clock) {
	t.Helper()
	c := clocktest.New(t0)
	b, err := New(cfg, c, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, c
}

func register(t testing.TB, b *Balancer, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := b.Register(Target{ID: id, Addr: id}); err != nil {
			t.Fatal(err)
		}
	}
}

func stateOf(b *Balancer, id string) State {
	for _, ts := range b.Targets() {
		if ts.Target.ID == id {
			return ts.State
		}
	}
	return Unused
}

// waitFor polls cond until it holds or the deadline passes; tests never sleep a guessed
// amount.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
