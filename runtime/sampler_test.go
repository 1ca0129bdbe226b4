package runtime

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

func TestUtilisation(t *testing.T) {
	t0 := time.Unix(1000, 0)
	u := func(at time.Duration, cpu float64) Usage {
		return Usage{At: t0.Add(at), CPUSeconds: cpu, VCPU: 2, AllowedVCPU: 2, VCPUFraction: 0.25}
	}
	tests := []struct {
		name      string
		prev, cur Usage
		want      float64
	}{
		// 2 vCPU × 0.25 = 0.5 cores; 0.5 CPU-s in 1 s is all of it.
		{"saturated", u(0, 1), u(time.Second, 1.5), 100},
		{"a fifth", u(0, 1), u(2*time.Second, 1.2), 20},
		{"idle", u(0, 1), u(time.Second, 1), 0},
		{"counter went back", u(0, 2), u(time.Second, 1), 0},
		{"no time", u(time.Second, 1), u(time.Second, 2), 0},
		{"no allowance", Usage{At: t0}, Usage{At: t0.Add(time.Second), CPUSeconds: 1}, 0},
	}
	for _, tt := range tests {
		if got := Utilisation(tt.prev, tt.cur); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: Utilisation = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := u(0, 1.5).VCPUSeconds(); got != 6 {
		t.Errorf("VCPUSeconds = %v, want 1.5 / 0.25 = 6", got)
	}
}

// fakeInstance serves scripted usage readings; it is the only fake here because the
// sampler's contract is about ordering, not about processes (those are tested above).
type fakeInstance struct {
	Instance
	readings chan Usage
	done     chan struct{}
}

func (f *fakeInstance) ID() string            { return "fake-1" }
func (f *fakeInstance) Done() <-chan struct{} { return f.done }
func (f *fakeInstance) Usage() (Usage, error) {
	u, ok := <-f.readings
	if !ok {
		return Usage{}, errors.New("no more readings")
	}
	return u, nil
}

func TestSamplerEmitsUntilExit(t *testing.T) {
	t0 := time.Unix(0, 0)
	in := &fakeInstance{readings: make(chan Usage, 4), done: make(chan struct{})}
	for i, cpu := range []float64{0, 0.25, 0.75} {
		in.readings <- Usage{At: t0.Add(time.Duration(i) * time.Second), CPUSeconds: cpu, VCPU: 1, VCPUFraction: 0.5}
	}
	close(in.readings) // later readings fail, and failures are not emitted
	var got []float64
	s := Sampler{Every: time.Millisecond, Emit: func(s Sample) {
		got = append(got, s.CPUPercent)
		if len(got) == 2 {
			close(in.done)
		}
	}}
	if err := s.Run(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != 50 || got[1] != 100 {
		t.Errorf("emitted %v, want [50 100]", got)
	}
}

func TestSamplerStopsWithContext(t *testing.T) {
	in := &fakeInstance{readings: make(chan Usage, 1), done: make(chan struct{})}
	in.readings <- Usage{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Sampler{}).Run(ctx, in); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}

// TestSamplerRealInstance: a real instance sampled every 50 ms yields readings whose
// CPU never decreases and that carry the instance's allowance.
func TestSamplerRealInstance(t *testing.T) {
	t.Parallel()
	p := newBackend(t, false)
	in := startReady(t, p, helperSpec("sampled", 1, 0))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	samples := make(chan Sample, 100)
	go Sampler{Every: 50 * time.Millisecond, Emit: func(s Sample) { samples <- s }}.Run(ctx, in)
	var last float64
	for range 3 {
		s := <-samples
		if s.Instance != in.ID() || s.Usage.VCPU != 1 || s.Usage.CPUSeconds < last || s.CPUPercent < 0 {
			t.Errorf("sample %+v", s)
		}
		last = s.Usage.CPUSeconds
	}
}
