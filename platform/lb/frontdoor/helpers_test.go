package frontdoor

import (
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/lb"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// eventLog collects observer events.
type eventLog struct {
	mu  sync.Mutex
	evs []lb.Event
}

func (l *eventLog) observe(e lb.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, e)
}

func (l *eventLog) all() []lb.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]lb.Event(nil), l.evs...)
}

// newBalancer returns a balancer on a fake clock at t0, closed at test end.
func newBalancer(t testing.TB, cfg lb.Config, p lb.Prober) (*lb.Balancer, *clocktest.Clock) {
	t.Helper()
	c := clocktest.New(t0)
	b, err := lb.New(cfg, c, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, c
}

func stateOf(b *lb.Balancer, id string) lb.State {
	for _, ts := range b.Targets() {
		if ts.Target.ID == id {
			return ts.State
		}
	}
	return lb.Unused
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
