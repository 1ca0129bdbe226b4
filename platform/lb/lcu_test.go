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
