package lb

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestPick(t *testing.T) {
	tests := []struct {
		name     string
		algo     string
		targets  []string
		inflight map[string]int64 // set before picking
		release  bool             // release each pick before the next
		want     string           // picked IDs, space separated
	}{
		{"rr cycles in registration order", RoundRobin, []string{"a", "b", "c"}, nil, true, "a b c a b c a"},
		{"rr ignores load", RoundRobin, []string{"a", "b"}, map[string]int64{"a": 9}, true, "a b a b"},
		{"rr single target", RoundRobin, []string{"a"}, nil, false, "a a a"},
		{"lor all idle rotates", LeastOutstandingRequests, []string{"a", "b", "c"}, nil, true, "a b c a b c"},
		{"lor prefers idle", LeastOutstandingRequests, []string{"a", "b", "c"}, map[string]int64{"a": 2, "c": 1}, true, "b b b b"},
		{"lor fills to level", LeastOutstandingRequests, []string{"a", "b", "c"}, map[string]int64{"a": 2}, false, "b c b c a b c"},
		{"lor tie after busiest", LeastOutstandingRequests, []string{"a", "b", "c"}, map[string]int64{"b": 5}, true, "a c a c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := newBalancer(t, Config{Algorithm: tt.algo}, nil)
			register(t, b, tt.targets...)
			b.mu.Lock()
			for id, n := range tt.inflight {
				b.byID[id].inflight = n
			}
			b.mu.Unlock()
			var got []string
			for range strings.Fields(tt.want) {
				tg, ok := b.Pick()
				if !ok {
					t.Fatal("Pick found no target")
				}
				got = append(got, tg.ID)
				if tt.release {
					b.Release(tg)
				}
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("picked %q, want %q", g, tt.want)
			}
		})
	}
}

func TestPickSkipsTargetsNotInService(t *testing.T) {
	p := newFakeProber()
	b, c := newBalancer(t, Config{DeregistrationDelay: -1}, p)
	register(t, b, "healthy", "sick", "flaky", "leaving")
	p.set("sick", errors.New("refused"))
	c.Advance(30e9) // two checks: sick fails both and is unhealthy, the rest are healthy
	p.set("flaky", errors.New("one bad check"))
	c.Advance(30e9) // one failure is below the unhealthy threshold: flaky stays in
	if err := b.Deregister("leaving"); err != nil {
		t.Fatal(err)
	}
	register(t, b, "booting")
	p.set("booting", errors.New("not listening yet"))
	c.Advance(0) // booting stays initial
	want := map[string]State{"healthy": Healthy, "sick": Unhealthy, "flaky": Healthy, "booting": Initial}
	for id, s := range want {
		if got := stateOf(b, id); got != s {
			t.Fatalf("%s is %v, want %v", id, got, s)
		}
	}
	for i := 0; i < 10; i++ {
		tg, ok := b.Pick()
		if !ok || (tg.ID != "healthy" && tg.ID != "flaky") {
			t.Fatalf("Pick = %v, %v; want healthy or flaky", tg, ok)
		}
		b.Release(tg)
	}
}

func TestPickNoTargets(t *testing.T) {
	b, _ := newBalancer(t, Config{}, nil)
	if _, ok := b.Pick(); ok {
		t.Fatal("Pick with no targets succeeded")
	}
	st := b.Stats()
	if st.Rejected != 1 || st.Status[503] != 1 || st.Requests != 1 {
		t.Errorf("stats after rejected pick = %+v", st)
	}
}

func TestFailOpen(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		sick       []string
		wantRoutes string // sorted set of targets that get requests; "" = 503
		wantOpen   bool
	}{
		{"one healthy: no fail-open", Config{}, []string{"a", "b"}, "c", false},
		{"all unhealthy: route to all", Config{}, []string{"a", "b", "c"}, "a b c", true},
		{"all unhealthy, fail-open off", Config{DisableFailOpen: true}, []string{"a", "b", "c"}, "", false},
		{"below min healthy 2", Config{RoutingMinHealthy: 2}, []string{"a", "b"}, "a b c", true},
		{"at min healthy 2", Config{RoutingMinHealthy: 2}, []string{"a"}, "b c", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFakeProber()
			b, c := newBalancer(t, tt.cfg, p)
			register(t, b, "a", "b", "c")
			c.Advance(0) // all healthy
			for _, id := range tt.sick {
				p.set(id, errors.New("down"))
			}
			c.Advance(60e9) // two failed checks: unhealthy
			seen := map[string]bool{}
			for i := 0; i < 12; i++ {
				if tg, ok := b.Pick(); ok {
					seen[tg.ID] = true
					b.Release(tg)
				}
			}
			var got []string
			for _, id := range []string{"a", "b", "c"} {
				if seen[id] {
					got = append(got, id)
				}
			}
			if g := strings.Join(got, " "); g != tt.wantRoutes {
				t.Errorf("routed to %q, want %q", g, tt.wantRoutes)
			}
			if b.Stats().FailOpen != tt.wantOpen {
				t.Errorf("FailOpen = %v, want %v", b.Stats().FailOpen, tt.wantOpen)
			}
		})
	}
}

func TestWeightedRandom(t *testing.T) {
	b, _ := newBalancer(t, Config{Algorithm: WeightedRandom, Seed: 7}, nil)
	for _, tg := range []Target{{ID: "a", Weight: 1}, {ID: "b", Weight: 3}} {
		if err := b.Register(tg); err != nil {
			t.Fatal(err)
		}
	}
	n := map[string]int{}
	for i := 0; i < 4000; i++ {
		tg, _ := b.Pick()
		n[tg.ID]++
		b.Release(tg)
	}
	if n["b"] < 2700 || n["b"] > 3300 {
		t.Errorf("weight-3 target got %d of 4000, want about 3000", n["b"])
	}
}

func TestReleaseAccounting(t *testing.T) {
	b, _ := newBalancer(t, Config{}, nil)
	register(t, b, "a")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				tg, ok := b.Pick()
				if !ok {
					panic("no target")
				}
				b.Complete(tg, Outcome{Status: 200 + 300*(i%2), BytesIn: 10, BytesOut: 90})
			}
		}()
	}
	wg.Wait()
	st := b.Stats()
	a := st.Targets[0]
	if st.InFlight != 0 || a.InFlight != 0 || a.Requests != 4000 || st.Requests != 4000 {
		t.Errorf("in flight %d/%d, requests %d/%d", st.InFlight, a.InFlight, a.Requests, st.Requests)
	}
	if a.Codes.C2xx != 2000 || a.Codes.C5xx != 2000 || st.Status[200] != 2000 || st.Status[500] != 2000 {
		t.Errorf("codes = %+v, status = %v", a.Codes, st.Status)
	}
	if a.BytesIn != 40000 || a.BytesOut != 360000 || st.ProcessedBytes != 400000 {
		t.Errorf("bytes in %d out %d processed %d", a.BytesIn, a.BytesOut, st.ProcessedBytes)
	}
}

func TestRegisterErrors(t *testing.T) {
	b, _ := newBalancer(t, Config{}, nil)
	register(t, b, "a")
	if err := b.Register(Target{ID: "a"}); !errors.Is(err, ErrDuplicateTarget) {
		t.Errorf("duplicate Register = %v", err)
	}
	if err := b.Register(Target{}); err == nil {
		t.Error("Register of empty ID succeeded")
	}
	if err := b.Deregister("zz"); !errors.Is(err, ErrUnknownTarget) {
		t.Errorf("Deregister unknown = %v", err)
	}
	b.Close()
	if err := b.Register(Target{ID: "b"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Register after Close = %v", err)
	}
	if _, ok := b.Pick(); ok {
		t.Error("Pick after Close succeeded")
	}
}

func BenchmarkPick(b *testing.B) {
	for _, algo := range []string{RoundRobin, LeastOutstandingRequests, WeightedRandom} {
		for _, n := range []int{4, 64} {
			b.Run(fmt.Sprintf("%s/targets=%d", algo, n), func(b *testing.B) {
				bal, _ := newBalancer(b, Config{Algorithm: algo}, nil)
				for i := 0; i < n; i++ {
					register(b, bal, fmt.Sprintf("t%d", i))
				}
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						tg, _ := bal.Pick()
						bal.Release(tg)
					}
				})
			})
		}
	}
}
