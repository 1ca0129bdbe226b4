package fleet

import (
	"github.com/deploybench/deploybench/platform"
)

// Status counts the fleet's instances: Pending covers pending, booting and starting; CPU
// averages the in-service instances (warming ones included, as the console shows them);
// MemoryMiB sums every running app.
func (f *Fleet) Status() platform.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := platform.Status{At: f.o.Clock.Now(), Desired: f.desired}
	cpu, n := 0.0, 0
	for _, in := range f.insts {
		switch {
		case in.state < InService:
			st.Pending++
		case in.state == InService:
			st.InService++
			if in.haveCPU {
				cpu += in.cpu
				n++
			}
		case in.state == Draining:
			st.Draining++
		}
		if in.state != Terminated && in.machine != nil {
			st.MemoryMiB += float64(in.memBytes) / (1 << 20)
		}
	}
	if n > 0 {
		st.CPU = cpu / float64(n)
	}
	return st
}

// Records returns the billing record of every instance launched so far, in uncompressed
// platform time; EndedAt is zero for instances still running. Surplus credit usage of
// running burstable instances is filled in as of now.
func (f *Fleet) Records() []platform.InstanceRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]platform.InstanceRecord(nil), f.records...)
	for _, in := range f.insts {
		if in.credits != nil && in.state != Terminated {
			out[in.rec].SurplusVCPUHours = in.credits.SurplusVCPUHours()
		}
	}
	return out
}
