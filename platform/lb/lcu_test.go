package lb

import (
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
)

func TestLCURecorder(t *testing.T) {
	c := clocktest.New(t0)
	r := NewLCURecorder(c, time.Minute)
	r.ConnOpened()
	r.ConnOpened()
	r.Request()
	r.Bytes(1000)
	c.Advance(30 * time.Second)
	r.ConnClosed()
	c.Advance(45 * time.Second) // into the second minute; one connection still open
	r.Request()
	c.Advance(time.Hour) // idle hour with one connection open: periods are kept
	r.ConnClosed()
	c.Advance(time.Hour) // idle hour, nothing open: skipped
	r.ConnOpened()
	got := r.Samples()
	if len(got) != 63 {
		t.Fatalf("%d samples, want 63 (2 active minutes, 60 with an open connection, 1 current)", len(got))
	}
	first := got[0]
	if first.NewConnections != 2 || first.ActiveConnectionsPeak != 2 || first.Requests != 1 || first.ProcessedBytes != 1000 {
		t.Errorf("first minute %+v", first)
	}
	if got[1].ActiveConnectionsPeak != 1 || got[1].Requests != 1 {
		t.Errorf("second minute %+v", got[1])
	}
	if last := got[len(got)-1]; last.NewConnections != 1 || !last.Start.Equal(t0.Add(2*time.Hour+time.Minute)) {
		t.Errorf("current period %+v", last)
	}
	// 2 new connections in 60 s = 0.033/s → 0.0013 LCU; 2 active → 0.00067 LCU.
	if lcu := first.LCU(1); lcu < 0.0013 || lcu > 0.0014 {
		t.Errorf("LCU = %v, want ≈0.00133 (new connections dominate)", lcu)
	}
}

// nanoClock is the fake clock with an integer reading, as the simulator's engine has.
type nanoClock struct {
	*clocktest.Clock
	origin time.Time
}

func (c nanoClock) Nanos() int64 { return int64(c.Now().Sub(c.origin)) }

func TestLCURequestsPerPeriod(t *testing.T) {
	plain := clocktest.New(t0)
	withNanos := clocktest.New(t0)
	for _, tc := range []struct {
		name  string
		clock interface {
			Advance(time.Duration)
		}
		r *LCURecorder
	}{
		{"time.Time clock", plain, NewLCURecorder(plain, time.Minute)},
		{"NanoClock", withNanos, NewLCURecorder(nanoClock{withNanos, t0.Add(-time.Hour)}, time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, c := tc.r, tc.clock
			for i := 0; i < 3; i++ {
				r.Request()
			}
			c.Advance(59 * time.Second)
			r.Request() // still the first minute
			c.Advance(time.Second)
			r.Request() // the second minute's first instant
			if tot := r.Totals(); tot.Requests != 5 {
				t.Errorf("totals %d requests, want 5", tot.Requests)
			}
			c.Advance(3 * time.Hour) // idle, nothing open: skipped
			r.Request()
			r.Request()
			got := r.Samples()
			want := []int64{4, 1, 2}
			if len(got) != len(want) {
				t.Fatalf("%d samples %+v, want %d", len(got), got, len(want))
			}
			for i, s := range got {
				if s.Requests != want[i] {
					t.Errorf("sample %d: %d requests, want %d", i, s.Requests, want[i])
				}
			}
			if start := got[2].Start; !start.Equal(t0.Add(3*time.Hour + time.Minute)) {
				t.Errorf("current period starts at %v, want 3h01m", start.Sub(t0))
			}
		})
	}
}
