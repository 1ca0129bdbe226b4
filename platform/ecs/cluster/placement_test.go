package cluster

import (
	"testing"

	"github.com/deploybench/deploybench/platform/ecs"
)

func TestChoose(t *testing.T) {
	slots := []Slot{
		{ID: "a", FreeVCPU: 2, FreeMemMiB: 8000, Tasks: 0},
		{ID: "b", FreeVCPU: 1, FreeMemMiB: 6000, Tasks: 1},
		{ID: "c", FreeVCPU: 1, FreeMemMiB: 4000, Tasks: 1},
		{ID: "d", FreeVCPU: 0.5, FreeMemMiB: 8000, Tasks: 3},
	}
	tests := []struct {
		name     string
		strategy string
		vcpu     float64
		mem      int
		want     int
	}{
		{"binpack: least CPU left, memory breaks the tie", ecs.Binpack, 1, 2048, 2},
		{"binpack: fullest instance that fits", ecs.Binpack, 0.5, 2048, 3},
		{"spread: fewest tasks", ecs.Spread, 1, 2048, 0},
		{"spread: first of equals that fits", ecs.Spread, 1, 5000, 0},
		{"nothing fits: PROVISIONING", ecs.Binpack, 4, 1024, -1},
		{"memory too small everywhere", ecs.Spread, 0.25, 9000, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Choose(tt.strategy, slots, tt.vcpu, tt.mem); got != tt.want {
				t.Errorf("Choose = %d, want %d", got, tt.want)
			}
		})
	}
	if Choose(ecs.Binpack, nil, 1, 1) != -1 {
		t.Error("no slots must give -1")
	}
}

func TestTasksPerInstance(t *testing.T) {
	for _, tt := range []struct {
		iv   float64
		im   int
		tv   float64
		tm   int
		want int
	}{{2, 7700, 1, 2048, 2}, {2, 7700, 0.5, 2048, 3}, {4, 1900, 1, 2048, 0}, {2, 8000, 0.3, 100, 6}, {2, 8000, 0, 100, 0}} {
		if got := TasksPerInstance(tt.iv, tt.im, tt.tv, tt.tm); got != tt.want {
			t.Errorf("TasksPerInstance(%v, %d, %v, %d) = %d, want %d", tt.iv, tt.im, tt.tv, tt.tm, got, tt.want)
		}
	}
}

// BenchmarkChoose places on a 100-instance cluster, the hot path of every placement.
func BenchmarkChoose(b *testing.B) {
	slots := make([]Slot, 100)
	for i := range slots {
		slots[i] = Slot{FreeVCPU: float64(i%4) * 0.5, FreeMemMiB: 1024 * (i % 8), Tasks: i % 5}
	}
	b.ReportAllocs()
	for b.Loop() {
		Choose(ecs.Binpack, slots, 0.5, 1024)
	}
}
