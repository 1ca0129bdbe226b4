package clocktest

import (
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// recorder collects the order and the clock reading of callbacks.
type recorder struct {
	c   *Clock
	mu  sync.Mutex
	got []string
	at  []time.Duration
}

func (r *recorder) fn(name string) func() {
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got = append(r.got, name)
		r.at = append(r.at, r.c.Now().Sub(t0))
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAdvanceRunsInTimeOrder(t *testing.T) {
	tests := []struct {
		name    string
		timers  map[string]time.Duration
		advance []time.Duration
		want    []string
		pending int
	}{
		{"none due", map[string]time.Duration{"a": 10 * time.Second}, []time.Duration{9 * time.Second}, nil, 1},
		{"exactly due", map[string]time.Duration{"a": 10 * time.Second}, []time.Duration{10 * time.Second}, []string{"a"}, 0},
		{"order by time", map[string]time.Duration{"c": 3 * time.Second, "a": time.Second, "b": 2 * time.Second}, []time.Duration{5 * time.Second}, []string{"a", "b", "c"}, 0},
		{"two steps", map[string]time.Duration{"a": time.Second, "b": 4 * time.Second}, []time.Duration{2 * time.Second, 2 * time.Second}, []string{"a", "b"}, 0},
		{"zero delay needs a move", map[string]time.Duration{"a": 0}, []time.Duration{0}, []string{"a"}, 0},
		{"negative delay is now", map[string]time.Duration{"a": -time.Second}, []time.Duration{0}, []string{"a"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(t0)
			r := &recorder{c: c}
			// Schedule in name order so that map iteration order cannot matter.
			for _, name := range []string{"a", "b", "c"} {
				if d, ok := tt.timers[name]; ok {
					c.AfterFunc(d, r.fn(name))
				}
			}
			for _, d := range tt.advance {
				c.Advance(d)
			}
			if !equal(r.got, tt.want) {
				t.Errorf("ran %v, want %v", r.got, tt.want)
			}
			if c.Pending() != tt.pending {
				t.Errorf("Pending = %d, want %d", c.Pending(), tt.pending)
			}
			var total time.Duration
			for _, d := range tt.advance {
				total += d
			}
			if got := c.Now().Sub(t0); got != total {
				t.Errorf("Now = t0+%v, want t0+%v", got, total)
			}
		})
	}
}

func TestCallbackSeesItsDueTime(t *testing.T) {
	c := New(t0)
	r := &recorder{c: c}
	c.AfterFunc(3*time.Second, r.fn("a"))
	c.AfterFunc(7*time.Second, r.fn("b"))
	c.Advance(time.Minute)
	if want := []time.Duration{3 * time.Second, 7 * time.Second}; !equal(r.at, want) {
		t.Errorf("callbacks saw %v, want %v", r.at, want)
	}
}

func TestTiesRunInSchedulingOrder(t *testing.T) {
	c := New(t0)
	r := &recorder{c: c}
	for _, n := range []string{"1", "2", "3", "4", "5"} {
		c.AfterFunc(time.Second, r.fn(n))
	}
	c.Advance(time.Second)
	if want := []string{"1", "2", "3", "4", "5"}; !equal(r.got, want) {
		t.Errorf("ran %v, want %v", r.got, want)
	}
}

func TestStop(t *testing.T) {
	c := New(t0)
	r := &recorder{c: c}
	a := c.AfterFunc(time.Second, r.fn("a"))
	b := c.AfterFunc(2*time.Second, r.fn("b"))
	c.AfterFunc(3*time.Second, r.fn("c"))
	if !b.Stop() {
		t.Fatal("Stop of a pending timer = false, want true")
	}
	if b.Stop() {
		t.Error("second Stop = true, want false")
	}
	if c.Pending() != 2 {
		t.Errorf("Pending = %d, want 2", c.Pending())
	}
	c.Advance(5 * time.Second)
	if a.Stop() {
		t.Error("Stop after run = true, want false")
	}
	if want := []string{"a", "c"}; !equal(r.got, want) {
		t.Errorf("ran %v, want %v", r.got, want)
	}
}

func TestCallbackStopsLaterTimer(t *testing.T) {
	c := New(t0)
	r := &recorder{c: c}
	var later interface{ Stop() bool }
	c.AfterFunc(time.Second, func() { later.Stop() })
	later = c.AfterFunc(2*time.Second, r.fn("later"))
	c.Advance(time.Hour)
	if len(r.got) != 0 {
		t.Errorf("stopped timer ran: %v", r.got)
	}
}

func TestNestedScheduling(t *testing.T) {
	c := New(t0)
	r := &recorder{c: c}
	// A ticker built from AfterFunc, as health checks are: every 10 s.
	var tick func()
	tick = func() {
		r.fn("tick")()
		c.AfterFunc(10*time.Second, tick)
	}
	c.AfterFunc(10*time.Second, tick)
	// A callback scheduling one due at its own instant and one beyond the window.
	c.AfterFunc(25*time.Second, func() {
		c.AfterFunc(0, r.fn("same-instant"))
		c.AfterFunc(time.Hour, r.fn("beyond"))
	})
	c.Advance(35 * time.Second)
	want := []string{"tick", "tick", "same-instant", "tick"}
	if !equal(r.got, want) {
		t.Fatalf("ran %v, want %v", r.got, want)
	}
	wantAt := []time.Duration{10 * time.Second, 20 * time.Second, 25 * time.Second, 30 * time.Second}
	if !equal(r.at, wantAt) {
		t.Errorf("at %v, want %v", r.at, wantAt)
	}
	if c.Pending() != 2 { // next tick at 40 s and "beyond"
		t.Errorf("Pending = %d, want 2", c.Pending())
	}
	if next, ok := c.Next(); !ok || next.Sub(t0) != 40*time.Second {
		t.Errorf("Next = t0+%v, %v; want t0+40s, true", next.Sub(t0), ok)
	}
}

func TestSet(t *testing.T) {
	c := New(t0)
	r := &recorder{c: c}
	c.AfterFunc(time.Minute, r.fn("a"))
	c.Set(t0.Add(2 * time.Minute))
	if !equal(r.got, []string{"a"}) || !c.Now().Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("after Set forward: ran %v, now t0+%v", r.got, c.Now().Sub(t0))
	}
	c.AfterFunc(time.Minute, r.fn("b")) // due at t0+3m
	c.Set(t0)                           // backwards: nothing runs
	if len(r.got) != 1 || !c.Now().Equal(t0) {
		t.Fatalf("after Set back: ran %v, now t0+%v", r.got, c.Now().Sub(t0))
	}
	if next, _ := c.Next(); !next.Equal(t0.Add(3 * time.Minute)) {
		t.Errorf("Next = t0+%v, want t0+3m (absolute due times survive)", next.Sub(t0))
	}
}

func TestStepAndNext(t *testing.T) {
	c := New(t0)
	if _, ok := c.Next(); ok {
		t.Fatal("Next on empty clock reported a timer")
	}
	if c.Step() {
		t.Fatal("Step on empty clock = true")
	}
	r := &recorder{c: c}
	c.AfterFunc(5*time.Second, r.fn("a"))
	c.AfterFunc(5*time.Second, r.fn("b"))
	c.AfterFunc(9*time.Second, r.fn("c"))
	if !c.Step() || !equal(r.got, []string{"a", "b"}) || c.Now().Sub(t0) != 5*time.Second {
		t.Fatalf("first Step ran %v, now t0+%v", r.got, c.Now().Sub(t0))
	}
	steps := 0
	for c.Step() {
		steps++
	}
	if steps != 1 || !equal(r.got, []string{"a", "b", "c"}) {
		t.Errorf("event loop ran %d steps, %v", steps, r.got)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := New(t0)
	var mu sync.Mutex
	ran := 0
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				tm := c.AfterFunc(time.Duration(i%7)*time.Millisecond, func() {
					mu.Lock()
					ran++
					mu.Unlock()
				})
				if i%5 == 0 {
					tm.Stop()
				}
				c.Advance(time.Millisecond)
				_ = c.Now()
				_ = c.Pending()
			}
		}()
	}
	wg.Wait()
	c.Advance(time.Hour)
	if c.Pending() != 0 {
		t.Errorf("Pending = %d after advancing past everything", c.Pending())
	}
	mu.Lock()
	defer mu.Unlock()
	// Every fifth timer was stopped, unless another goroutine's Advance ran it first.
	if ran < 8*160 || ran > 8*200 {
		t.Errorf("ran %d callbacks, want between %d and %d", ran, 8*160, 8*200)
	}
}
