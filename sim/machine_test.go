package sim

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/sim/calibration"
	"github.com/deploybench/deploybench/sim/engine"
)

type doneLog struct {
	eng  *engine.Engine
	lats []float64 // ms, in completion order
	tags []int32
}

func (d *doneLog) Done(m *Machine, arrived int64, tag int32) {
	d.lats = append(d.lats, float64(d.eng.Nanos()-arrived)/1e6)
	d.tags = append(d.tags, tag)
}

func testCal() *calibration.Calibration {
	c := &calibration.Calibration{App: "test", HostCores: 2, VCPUFraction: 0.25, StartupMs: 100, MemoryMiB: 30}
	q := make([]float64, 101)
	for i := range q {
		q[i] = 1
	}
	c.Allowances = []calibration.Allowance{{VCPU: 1, ServiceMs: q, CPUMsPerRequest: 1}}
	return c
}

func newTestMachine(t *testing.T, cpu CPUModel, vcpu float64) (*engine.Engine, *Machine, *doneLog) {
	t.Helper()
	e := engine.New(DefaultOrigin)
	log := &doneLog{eng: e}
	d := NewDriver(e, testCal(), cpu, log)
	m, err := d.Start(context.Background(), fleet.MachineSpec{Name: "m", VCPU: vcpu})
	if err != nil {
		t.Fatal(err)
	}
	return e, m.(*Machine), log
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestMachineServers on a plain VM (fraction 1, no quota): by default (processor sharing)
// every request progresses at once and they share the cores, each at most at one core;
// with Servers > 0 the app serves that many at once, first come first served, each at
// one core. CPU time is the work done, in vCPU-seconds, either way.
func TestMachineServers(t *testing.T) {
	cases := []struct {
		name    string
		vcpu    float64
		servers int
		works   []float64 // seconds, all arriving at 0 in this order
		want    []float64 // latencies in ms, completion order
		tags    []int32   // completion order
	}{
		{"alone", 1, 0, []float64{0.010}, []float64{10}, []int32{0}},
		{"two share one core", 1, 0, []float64{0.010, 0.010}, []float64{20, 20}, []int32{0, 1}},
		{"short leaves first", 1, 0, []float64{0.030, 0.010}, []float64{20, 40}, []int32{1, 0}},
		{"two cores, no sharing", 2, 0, []float64{0.010, 0.010}, []float64{10, 10}, []int32{0, 1}},
		{"three on two cores", 2, 0, []float64{0.010, 0.010, 0.010}, []float64{15, 15, 15}, nil},
		{"one worker: one after the other", 1, 1, []float64{0.010, 0.010}, []float64{10, 20}, []int32{0, 1}},
		{"one worker: first come first served", 1, 1, []float64{0.030, 0.010}, []float64{30, 40}, []int32{0, 1}},
		{"three on two workers", 2, 2, []float64{0.010, 0.010, 0.010}, []float64{10, 10, 20}, []int32{0, 1, 2}},
		{"half a core, one worker", 0.5, 1, []float64{0.005, 0.005}, []float64{10, 20}, []int32{0, 1}},
		{"four workers on one core", 1, 4, []float64{0.010, 0.010}, []float64{20, 20}, []int32{0, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, m, log := newTestMachine(t, CPUModel{VCPUFraction: 1, HostCores: c.vcpu, Servers: c.servers}, c.vcpu)
			total := 0.0
			for i, w := range c.works {
				m.Arrive(w, 0, int32(i))
				total += w
			}
			if got := m.InFlight(); got != len(c.works) {
				t.Errorf("in flight %d, want %d", got, len(c.works))
			}
			e.RunUntil(int64(time.Second))
			if len(log.lats) != len(c.want) {
				t.Fatalf("completed %d, want %d", len(log.lats), len(c.want))
			}
			for i := range c.want {
				if !near(log.lats[i], c.want[i], 1e-3) || (len(c.tags) > 0 && log.tags[i] != c.tags[i]) {
					t.Errorf("latencies %v (tags %v), want %v (%v)", log.lats, log.tags, c.want, c.tags)
					break
				}
			}
			s, _ := m.Sample()
			if !near(s.CPUSeconds, total, 1e-8) {
				t.Errorf("CPU %v vCPU-s, want %v", s.CPUSeconds, total)
			}
			if m.InFlight() != 0 {
				t.Errorf("in flight %d after all completed", m.InFlight())
			}
		})
	}
}

// TestMachineQueueNeverEmpties: a one-worker machine whose queue stays long for many requests
// serves them all in arrival order (the queue's storage is compacted as it goes).
func TestMachineQueueNeverEmpties(t *testing.T) {
	e, m, log := newTestMachine(t, CPUModel{VCPUFraction: 1, HostCores: 1, Servers: 1}, 1)
	const n = 5000
	for i := range n { // 1 ms each, arriving every 0.9 ms: the queue grows all along
		at := int64(i) * 900_000
		e.RunUntil(at)
		m.Arrive(0.001, at, int32(i))
	}
	e.RunUntil(int64(time.Hour))
	if len(log.tags) != n {
		t.Fatalf("completed %d of %d", len(log.tags), n)
	}
	for i, tag := range log.tags {
		if tag != int32(i) {
			t.Fatalf("completion %d is request %d: not first come first served", i, tag)
		}
	}
	if last := log.lats[n-1]; !near(last, float64(n)*1-float64(n-1)*0.9, 0.01) {
		t.Errorf("last latency %v ms, want %v", last, float64(n)*1-float64(n-1)*0.9)
	}
}

// TestMachineQuota: with 1 vCPU = 0.25 core, a lone short request runs at full speed (the
// CFS quota of 25 ms per 100 ms period does not bind), while a long one is throttled to a
// quarter core on average; CPU is reported in emulated vCPU-seconds.
func TestMachineQuota(t *testing.T) {
	e, m, log := newTestMachine(t, CPUModel{VCPUFraction: 0.25, HostCores: 2}, 1)
	m.Arrive(0.005, 0, 0)
	e.RunUntil(int64(50 * time.Millisecond))
	if len(log.lats) != 1 || !near(log.lats[0], 5, 1e-3) {
		t.Fatalf("short request: %v, want [5]", log.lats)
	}
	e.RunUntil(int64(100 * time.Millisecond))
	start := e.Nanos()
	m.Arrive(0.100, start, 1) // 100 ms of work: 25 ms per period → 3 throttled periods + 25 ms
	e.RunUntil(int64(2 * time.Second))
	if len(log.lats) != 2 || !near(log.lats[1], 325, 1e-3) {
		t.Fatalf("long request: %v, want 325 ms", log.lats)
	}
	s, _ := m.Sample()
	if !near(s.CPUSeconds, 0.105/0.25, 1e-9) {
		t.Errorf("CPU %v vCPU-s, want %v", s.CPUSeconds, 0.105/0.25)
	}
	// Credits exhausted: a lower allowance throttles sooner.
	if err := m.SetVCPU(0.5); err != nil {
		t.Fatal(err)
	}
	now := e.Nanos()
	m.Arrive(0.025, now, 2) // 12.5 ms per period
	e.RunUntil(now + int64(time.Second))
	if got := log.lats[2]; !near(got, 112.5, 0.01) {
		t.Errorf("after SetVCPU(0.5): %v ms, want 112.5 (12.5 ms, throttled to the period end, 12.5 ms)", got)
	}
}

func TestMachineStopIsConcurrentSafe(t *testing.T) {
	_, m, _ := newTestMachine(t, CPUModel{VCPUFraction: 1, HostCores: 1}, 1)
	done := make(chan struct{})
	go func() { _ = m.Stop(time.Second); close(done) }()
	<-done
	_ = m.Stop(time.Second)
	select {
	case <-m.Done():
	default:
		t.Fatal("Done not closed")
	}
	if m.ExitReason() == "" {
		t.Error("no exit reason")
	}
}

// TestMachineLoadCurve: with a calibration whose CPU per request falls under load, a
// request arriving at a busy machine (after a whole second of arrivals) is served with
// less work than the first requests were.
func TestMachineLoadCurve(t *testing.T) {
	cal := testCal()                                                                            // 1 ms per request, 1 vCPU = 0.25 core
	cal.Allowances[0].Loaded = &calibration.Loaded{RPS: 200, CPUMsPerRequest: 0.5, Requests: 1} // u1 = 0.8, ratio 0.5
	e := engine.New(DefaultOrigin)
	log := &doneLog{eng: e}
	d := NewDriver(e, cal, CPUModel{VCPUFraction: 1, HostCores: 1}, log)
	mi, err := d.Start(context.Background(), fleet.MachineSpec{Name: "m", VCPU: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	m := mi.(*Machine)
	// 250 arrivals of 1 ms in the first second, spaced 4 ms apart: each alone.
	for i := 0; i < 250; i++ {
		at := int64(i) * int64(4*time.Millisecond)
		e.RunUntil(at)
		m.Arrive(0.001, at, int32(i))
	}
	e.RunUntil(int64(time.Second))
	at := int64(time.Second)
	m.Arrive(0.001, at, 250)
	e.RunUntil(at + int64(100*time.Millisecond))
	if got := log.lats[0]; !near(got, 4, 1e-3) {
		t.Errorf("first request: %v ms, want 4 (1 ms of work at a quarter core)", got)
	}
	if got := log.lats[250]; !near(got, 2, 1e-3) {
		t.Errorf("request at 250 req/s: %v ms, want 2 (half the work, the loaded ratio)", got)
	}
}
