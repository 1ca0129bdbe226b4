package ecs

import (
	"context"
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
)

// sample reads every started task's app once per SampleInterval and turns its cumulative
// CPU into a utilisation of the task's reservation: ECS's CPUUtilization of a service is
// the CPU its tasks use over the CPU they reserve.
func (s *Service) sample() {
	type job struct {
		t  *task
		m  fleet.Machine
		sm fleet.Sample
		ok bool
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	var jobs []job
	for _, t := range s.tasks {
		if t.machine != nil && t.state >= Activating && t.state <= Deactivating {
			jobs = append(jobs, job{t: t, m: t.machine})
		}
	}
	s.mu.Unlock()
	for i := range jobs { // off the lock: reading cgroup files may take a while
		sm, err := jobs[i].m.Sample()
		jobs[i].sm, jobs[i].ok = sm, err == nil
	}
	s.mu.Lock()
	defer s.unlock()
	if s.closed {
		return
	}
	type point struct {
		id  string
		at  time.Time
		pct float64
	}
	var out []point
	for _, j := range jobs {
		if !j.ok || j.t.state == Stopped {
			continue
		}
		t := j.t
		t.mem = j.sm.MemoryBytes
		prev, had := t.last, t.haveLast
		t.last, t.haveLast = j.sm, true
		if dt := j.sm.At.Sub(prev.At); had && dt > 0 {
			used := max(j.sm.CPUSeconds-prev.CPUSeconds, 0)
			t.cpu = 100 * used / (dt.Seconds() * s.o.VCPU)
			t.haveCPU = true
			if t.state == Running {
				out = append(out, point{t.id, j.sm.At, t.cpu})
			}
		}
	}
	if len(out) > 0 && s.o.OnSample != nil {
		s.queue = append(s.queue, func() {
			for _, p := range out {
				s.o.OnSample(p.id, p.at, p.pct)
			}
		})
	}
	s.sampler = s.o.Clock.AfterFunc(s.o.SampleInterval, s.sample)
}

// Status counts tasks: Desired is the desired count, Pending the tasks PROVISIONING,
// PENDING or ACTIVATING, InService the RUNNING ones, Draining the DEACTIVATING ones; CPU
// averages the running tasks' measured CPU (% of their reservation).
func (s *Service) Status() platform.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := platform.Status{At: s.o.Clock.Now(), Desired: s.desired}
	cpu, n := 0.0, 0
	for _, t := range s.tasks {
		switch {
		case t.state < Running:
			st.Pending++
		case t.state == Running:
			st.InService++
			if t.haveCPU {
				cpu += t.cpu
				n++
			}
		case t.state == Deactivating:
			st.Draining++
		}
		if t.state != Stopped && t.machine != nil {
			st.MemoryMiB += float64(t.mem) / (1 << 20)
		}
	}
	if n > 0 {
		st.CPU = cpu / float64(n)
	}
	return st
}

// TaskInfo is a snapshot of one task.
type TaskInfo struct {
	ID        string    `json:"id"`
	State     TaskState `json:"-"`
	StateName string    `json:"state"`
	Host      string    `json:"host,omitempty"`
	Addr      string    `json:"addr,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	RunningAt time.Time `json:"running_at,omitzero"`
	// CPU is the last measured utilisation (% of the reservation).
	CPU float64 `json:"cpu_pct"`
	// StoppedReason says why a STOPPED or DEACTIVATING task stopped.
	StoppedReason string `json:"stopped_reason,omitempty"`
}

// Tasks returns every task so far: the stopped ones in the order they stopped, then the
// others in creation order.
func (s *Service) Tasks() []TaskInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TaskInfo, 0, len(s.stopped)+len(s.tasks))
	out = append(out, s.stopped...)
	for _, t := range s.tasks {
		out = append(out, t.info())
	}
	return out
}

func (t *task) info() TaskInfo {
	ti := TaskInfo{ID: t.id, State: t.state, StateName: t.state.String(), Host: t.place.Host,
		CreatedAt: t.createdAt, RunningAt: t.runningAt, CPU: t.cpu, StoppedReason: t.reason}
	if t.machine != nil {
		ti.Addr = t.machine.Addr()
	}
	return ti
}

// Records returns every task's billing record (from image pull start to stop, platform
// time); EndedAt is zero for tasks still running.
func (s *Service) Records() []platform.TaskRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]platform.TaskRecord(nil), s.records...)
}

// WaitFor blocks until cond holds for the service's Status, or ctx ends, or — with
// failFast — a task fails to start or exits first (a broken app stops a run at once
// instead of being replaced forever).
func (s *Service) WaitFor(ctx context.Context, failFast bool, cond func(platform.Status) bool) error {
	seen := 0
	for {
		ch := s.o.Log.Changed()
		if cond(s.Status()) {
			return nil
		}
		if failFast {
			evs := s.o.Log.Events()
			for _, e := range evs[seen:] {
				switch e.Kind {
				case "task_start_failed", "task_ready_failed", "task_exit":
					return fmt.Errorf("task %s: %s: %s", e.Instance, e.Kind, e.Detail)
				}
			}
			seen = len(evs)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			st := s.Status()
			return fmt.Errorf("waiting for tasks (desired %d, pending %d, running %d): %w", st.Desired, st.Pending, st.InService, ctx.Err())
		}
	}
}
