package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
)

// BenchmarkServiceScale measures the scheduler's bookkeeping for one task's whole life —
// created, placed by binpack on a 50-instance cluster, pulled, started (fake machine),
// running, stopped — by scaling a service from 0 to 100 tasks and back per iteration.
func BenchmarkServiceScale(b *testing.B) {
	clock := clocktest.New(t0)
	log := ecs.NewLog(clock, nil)
	cl, err := New(Options{Clock: clock, Log: log, InstanceType: "m5.xlarge", VCPU: 4, MemoryMiB: 16384,
		Strategy: ecs.Binpack, TaskVCPU: 1, TaskMemoryMiB: 2048, PullDuration: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := ecs.NewService(ecs.ServiceOptions{Clock: clock, Driver: fleettest.NewDriver(), Capacity: cl, Log: log, VCPU: 1, MemoryMiB: 2048})
	if err != nil {
		b.Fatal(err)
	}
	cl.OnChange(svc.PlaceWaiting)
	defer cl.Close()
	defer svc.Close(context.Background())
	cl.Launch(50, "bench")
	clock.Advance(0)
	b.ResetTimer()
	for b.Loop() {
		svc.SetDesired(100)
		clock.Advance(time.Second)
		deadline := time.Now().Add(10 * time.Second)
		for svc.Running() < 100 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Microsecond) // app starts run on goroutines
		}
		svc.SetDesired(0)
		clock.Advance(time.Second)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/task")
}
