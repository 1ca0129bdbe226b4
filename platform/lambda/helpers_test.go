package lambda

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/fleet"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeDriver starts modelled apps on a fake clock: an app takes startup of clock time to
// become ready (WaitReady moves the clock, as the simulator's machines would), burns CPU
// on command and counts its stops. Only the cloud API is fake here.
type fakeDriver struct {
	clock   *clocktest.Clock
	mu      sync.Mutex
	startup time.Duration
	fail    bool
	ms      []*fakeMachine
}

func (d *fakeDriver) Start(ctx context.Context, spec fleet.MachineSpec) (fleet.Machine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail {
		return nil, errors.New("exec: no such file")
	}
	m := &fakeMachine{d: d, spec: spec, startup: d.startup, done: make(chan struct{})}
	d.ms = append(d.ms, m)
	return m, nil
}

func (d *fakeDriver) machines() []*fakeMachine {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*fakeMachine(nil), d.ms...)
}

type fakeMachine struct {
	d       *fakeDriver
	spec    fleet.MachineSpec
	startup time.Duration
	done    chan struct{}

	mu      sync.Mutex
	cpu     float64
	stopped int
	exited  bool
}

func (m *fakeMachine) Addr() string { return "127.0.0.1:" + m.spec.Name }

func (m *fakeMachine) WaitReady(ctx context.Context) error {
	m.d.clock.Advance(m.startup)
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

func (m *fakeMachine) Sample() (fleet.Sample, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fleet.Sample{At: m.d.clock.Now(), CPUSeconds: m.cpu, MemoryBytes: 32 << 20}, nil
}

func (m *fakeMachine) burn(vcpuSeconds float64) {
	m.mu.Lock()
	m.cpu += vcpuSeconds
	m.mu.Unlock()
}

func (m *fakeMachine) SetVCPU(float64) error { return nil }

func (m *fakeMachine) Stop(time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopped++
	if !m.exited {
		m.exited = true
		close(m.done)
	}
	return nil
}

func (m *fakeMachine) crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.exited {
		m.exited = true
		close(m.done)
	}
}

func (m *fakeMachine) stops() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stopped
}

func (m *fakeMachine) Done() <-chan struct{} { return m.done }
func (m *fakeMachine) ExitReason() string    { return "" }

// newTestPool returns a started pool on a fake clock with small limits; edit applies
// test-specific options. The pool is closed when the test ends.
func newTestPool(t testing.TB, edit func(*PoolOptions)) (*Pool, *clocktest.Clock, *fakeDriver) {
	t.Helper()
	clock := clocktest.New(t0)
	d := &fakeDriver{clock: clock}
	o := PoolOptions{
		Clock: clock, Driver: d, MemoryMB: 1024, Limit: 10, ScalingRate: 1000, ScalingWindow: 10 * time.Second,
		KeepAlive: 10 * time.Minute, InitTimeout: 10 * time.Second, SampleInterval: -1,
	}
	if edit != nil {
		edit(&o)
	}
	p, err := NewPool(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return p, clock, d
}

func mustAcquire(t testing.TB, p *Pool) *Env {
	t.Helper()
	e, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	return e
}

// kinds renders events as "kind:instance" for compact assertions.
func kinds(evs []platform.Event) []string {
	var out []string
	for _, e := range evs {
		s := e.Kind
		if e.Instance != "" {
			s += ":" + e.Instance
		}
		out = append(out, s)
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// eventuallyStopped waits for m to be stopped once: apps are stopped in the background,
// so that a SIGTERM grace never blocks the pool.
func eventuallyStopped(t *testing.T, m *fakeMachine) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for m.stops() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s was never stopped", m.spec.Name)
		}
		time.Sleep(time.Millisecond)
	}
	if n := m.stops(); n != 1 {
		t.Errorf("%s stopped %d times, want 1", m.spec.Name, n)
	}
}
