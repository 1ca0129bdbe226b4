package queue

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
)

// fakeQueue is a backlog the test sets; err makes a datapoint missing.
type fakeQueue struct {
	mu      sync.Mutex
	backlog int
	err     error
}

func (q *fakeQueue) Backlog(context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.backlog, q.err
}

func (q *fakeQueue) set(n int, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.backlog, q.err = n, err
}

// fakeService runs whatever is desired at once.
type fakeService struct {
	mu      sync.Mutex
	desired int
	sets    []int
}

func (s *fakeService) Desired() int { s.mu.Lock(); defer s.mu.Unlock(); return s.desired }
func (s *fakeService) Running() int { return s.Desired() }
func (s *fakeService) SetDesired(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.desired = n
	s.sets = append(s.sets, n)
}

// TestScalerFakeClock steps the scaler on a fake clock: idle at 0, out from zero after
// three datapoints with jobs, in to zero after fifteen empty ones; a missing datapoint
// (backlog unreadable) changes nothing and records nothing.
func TestScalerFakeClock(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	q, svc := &fakeQueue{}, &fakeService{}
	var reasons []string
	s := NewScaler(clock, q, svc, testPolicy(), 10*time.Second, func(r string) { reasons = append(reasons, r) })
	s.Start()
	defer s.Stop()
	step := func(n int) {
		for i := 0; i < n; i++ {
			clock.Advance(10 * time.Second)
		}
	}
	step(5)
	if svc.Desired() != 0 || len(svc.sets) != 0 {
		t.Fatalf("idle: desired %d, sets %v", svc.Desired(), svc.sets)
	}
	q.set(0, errors.New("broker away"))
	step(2)
	if n := len(s.Points()); n != 5 {
		t.Fatalf("%d points after 2 missing datapoints, want 5", n)
	}
	q.set(200, nil)
	step(2)
	if svc.Desired() != 0 {
		t.Fatalf("scaled out after 2 datapoints")
	}
	step(1)
	if svc.Desired() != 4 {
		t.Fatalf("after 3 datapoints with 200 jobs: desired %d, want 4", svc.Desired())
	}
	q.set(0, nil)
	step(14)
	if svc.Desired() != 4 {
		t.Fatalf("scaled in after 14 empty datapoints")
	}
	step(1)
	if svc.Desired() != 0 || len(svc.sets) != 2 || len(reasons) != 2 {
		t.Fatalf("after 15 empty datapoints: desired %d, sets %v, reasons %q", svc.Desired(), svc.sets, reasons)
	}
	pts := s.Points()
	if last := pts[len(pts)-1]; last.Desired != 0 || last.Backlog != 0 || !last.At.Equal(clock.Now()) {
		t.Errorf("last point %+v", last)
	}
}
