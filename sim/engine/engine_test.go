package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var origin = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

type recorder struct {
	eng *Engine
	got []int32
	at  []int64
}

func (r *recorder) Handle(arg int32, _ uint32) {
	r.got = append(r.got, arg)
	r.at = append(r.at, r.eng.Nanos())
}

// TestEngineOrder: events run in time order, ties in scheduling order, timers and typed
// events interleaved; stopped timers never run; the clock reads each event's time.
func TestEngineOrder(t *testing.T) {
	e := New(origin)
	r := &recorder{eng: e}
	h := e.AddHandler(r)
	e.Schedule(30, h, 3, 0)
	e.Schedule(10, h, 1, 0)
	e.Schedule(30, h, 4, 0)
	e.AfterFunc(20, func() { r.got = append(r.got, 2); r.at = append(r.at, e.Nanos()) })
	stopped := e.AfterFunc(15, func() { t.Error("stopped timer ran") })
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop should report true once")
	}
	e.AfterFunc(25, func() { e.Schedule(25, h, 9, 0) }) // same instant, scheduled later: runs now
	e.RunUntil(100)
	want := []int32{1, 2, 9, 3, 4}
	if len(r.got) != len(want) {
		t.Fatalf("got %v, want %v", r.got, want)
	}
	for i := range want {
		if r.got[i] != want[i] {
			t.Fatalf("got %v, want %v", r.got, want)
		}
	}
	if r.at[0] != 10 || r.at[3] != 30 || e.Nanos() != 100 {
		t.Errorf("times %v, now %d", r.at, e.Nanos())
	}
	if got := e.Now(); !got.Equal(origin.Add(100)) {
		t.Errorf("Now = %v", got)
	}
}

func TestEngineNegativeDelayRunsAsEvent(t *testing.T) {
	e := New(origin)
	ran := false
	e.AfterFunc(-time.Second, func() { ran = true })
	if ran {
		t.Fatal("AfterFunc ran its callback inline")
	}
	e.RunUntil(0)
	if !ran {
		t.Fatal("a due timer did not run")
	}
}

func BenchmarkEngineScheduleRun(b *testing.B) {
	e := New(origin)
	r := &nop{}
	h := e.AddHandler(r)
	for i := 0; i < 64; i++ {
		e.Schedule(int64(i), h, 0, 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev := e.pop()
		e.now = ev.at
		e.Schedule(ev.at+64, h, 0, 0)
	}
}

type nop struct{}

func (nop) Handle(int32, uint32) {}

// laneRec is a handler for the lane: it records the lane's runs as -1.
type laneRec struct{ r *recorder }

func (l laneRec) Handle(int32, uint32) {
	l.r.got = append(l.r.got, -1)
	l.r.at = append(l.r.at, l.r.eng.Nanos())
}

// TestEngineMatchesReference: typed events, timers and the lane, scheduled at random
// with many ties, run in exactly the order of a sort by (time, scheduling order) with the
// lane first at its time.
func TestEngineMatchesReference(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		e := New(origin)
		r := &recorder{eng: e}
		h := e.AddHandler(r)
		lane := e.AddHandler(laneRec{r})
		type ref struct {
			at  int64
			seq int
			arg int32
		}
		var want []ref
		for i := 0; i < 500; i++ {
			at := int64(rng.IntN(50))
			arg := int32(i)
			if rng.IntN(3) == 0 {
				e.AfterFunc(time.Duration(at), func() {
					r.got = append(r.got, arg)
					r.at = append(r.at, e.Nanos())
				})
			} else {
				e.Schedule(at, h, arg, 0)
			}
			want = append(want, ref{at, i, arg})
		}
		laneAt := int64(rng.IntN(50))
		e.ScheduleLane(laneAt, lane)
		want = append(want, ref{laneAt, -1, -1})
		slices.SortFunc(want, func(a, b ref) int {
			if a.at != b.at {
				return int(a.at - b.at)
			}
			return a.seq - b.seq
		})
		e.RunUntil(100)
		if len(r.got) != len(want) {
			t.Fatalf("seed %d: %d events ran, want %d", seed, len(r.got), len(want))
		}
		for i, w := range want {
			if r.got[i] != w.arg || r.at[i] != w.at {
				t.Fatalf("seed %d: event %d is %d at %d, want %d at %d", seed, i, r.got[i], r.at[i], w.arg, w.at)
			}
		}
	}
}
