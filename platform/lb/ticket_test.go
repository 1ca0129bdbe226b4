package lb

import (
	"sync"
	"testing"
	"time"
)

func TestTicket(t *testing.T) {
	b, c := newBalancer(t, Config{DeregistrationDelay: time.Minute}, nil)
	register(t, b, "a", "b")
	var zero Ticket
	b.Finish(zero, Outcome{Status: 200}) // holds nothing: no effect

	ta, ok := b.Take()
	if !ok || ta.Target().ID != "a" || ta.Seq() != 0 {
		t.Fatalf("first Take = %+v %v, want a, seq 0", ta.Target(), ok)
	}
	tb, _ := b.Take()
	if tb.Target().ID != "b" || tb.Seq() != 1 {
		t.Fatalf("second Take = %+v seq %d, want b, seq 1", tb.Target(), tb.Seq())
	}
	if st := b.Stats(); st.InFlight != 2 || st.Requests != 2 {
		t.Fatalf("in flight %d, requests %d, want 2 and 2", st.InFlight, st.Requests)
	}
	b.Finish(tb, Outcome{Status: 200, BytesIn: 10, BytesOut: 20})
	if st := b.Stats(); st.InFlight != 1 || st.Targets[1].Codes.C2xx != 1 || st.ProcessedBytes != 30 {
		t.Fatalf("after Finish: in flight %d, b codes %+v, bytes %d", st.InFlight, st.Targets[1].Codes, st.ProcessedBytes)
	}

	// a drains while its request runs; the delay expires and a is registered again. The
	// old ticket ends the old registration, not the new one.
	if err := b.Deregister("a"); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute)
	if s := stateOf(b, "a"); s != Unused {
		t.Fatalf("a is %v after the delay, want unused", s)
	}
	register(t, b, "a")
	b.Take()          // round robin: b,
	tn, _ := b.Take() // then the new a
	if tn.Target().ID != "a" || tn.Seq() != 2 {
		t.Fatalf("Take after re-registration = %s seq %d, want a seq 2", tn.Target().ID, tn.Seq())
	}
	b.Finish(ta, Outcome{})
	for _, ts := range b.Targets() {
		if ts.Target.ID == "a" && ts.InFlight != 1 {
			t.Errorf("new a has %d in flight after the old ticket finished, want 1", ts.InFlight)
		}
	}
}

func TestTicketDrainsTarget(t *testing.T) {
	b, _ := newBalancer(t, Config{DeregistrationDelay: time.Hour}, nil)
	register(t, b, "a")
	tk, _ := b.Take()
	if err := b.Deregister("a"); err != nil {
		t.Fatal(err)
	}
	if s := stateOf(b, "a"); s != Draining {
		t.Fatalf("a is %v with a request in flight, want draining", s)
	}
	b.Finish(tk, Outcome{})
	if s := stateOf(b, "a"); s != Unused {
		t.Errorf("a is %v after its last request, want removed", s)
	}
	if _, ok := b.Take(); ok {
		t.Error("Take with no target succeeded")
	}
	if st := b.Stats(); st.Rejected != 1 || st.Status[503] != 1 {
		t.Errorf("rejected %d, 503s %d, want 1 and 1", st.Rejected, st.Status[503])
	}
}

func TestTicketConcurrent(t *testing.T) {
	b, c := newBalancer(t, Config{LCUPeriod: time.Second}, nil)
	register(t, b, "a", "b", "c")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				tk, ok := b.Take()
				if !ok {
					panic("no target")
				}
				b.Finish(tk, Outcome{Status: 200})
			}
		}()
	}
	// The clock moves while requests are counted: every request lands in some period.
	for i := 0; i < 20; i++ {
		c.Advance(100 * time.Millisecond)
	}
	wg.Wait()
	st := b.Stats()
	if st.InFlight != 0 || st.Requests != 4000 || st.Status[200] != 4000 {
		t.Errorf("in flight %d, requests %d, 200s %d", st.InFlight, st.Requests, st.Status[200])
	}
	var n int64
	for _, s := range b.LCU().Samples() {
		n += s.Requests
	}
	if n != 4000 || b.LCU().Totals().Requests != 4000 {
		t.Errorf("LCU requests: %d in samples, %d in totals, want 4000", n, b.LCU().Totals().Requests)
	}
}

// BenchmarkTakeFinish: one request's routing on one goroutine, as the simulator does it,
// with a Ticket and with Pick and Release (which look the target up by ID).
func BenchmarkTakeFinish(b *testing.B) {
	bal, _ := newBalancer(b, Config{}, nil)
	register(b, bal, "a", "b", "c", "d")
	b.Run("ticket", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			tk, _ := bal.Take()
			bal.Finish(tk, Outcome{})
		}
	})
	b.Run("pick-release", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			tg, _ := bal.Pick()
			bal.Release(tg)
		}
	})
}
