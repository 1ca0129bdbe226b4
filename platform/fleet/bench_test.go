package fleet_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
)

// BenchmarkSampleTick measures one CPU sampling round (read every machine, charge, average,
// publish per-instance samples): the fleet's per-second hot path, which the simulator
// runs for every instance of a month-long horizon.
func BenchmarkSampleTick(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			clock := clocktest.New(t0)
			drv := fleettest.NewDriver()
			samples := 0
			f, err := fleet.New(fleet.Options{Clock: clock, Driver: drv, VCPU: 2, SampleInterval: time.Second,
				OnSample: func(string, time.Time, float64) { samples++ }})
			if err != nil {
				b.Fatal(err)
			}
			f.SetDesired(n)
			clock.Advance(0)
			fleettest.Eventually(b, "in service", func() bool { return f.Status().InService == n })
			ms := make([]*fleettest.Machine, 0, n)
			for _, in := range f.Instances() {
				ms = append(ms, drv.Machine(in.ID))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now := clock.Now()
				for _, m := range ms {
					m.Burn(now, 1)
				}
				clock.Advance(time.Second)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/instance")
			_ = samples
		})
	}
}
