package fleet

import (
	"fmt"
	"time"
)

// sample reads every running app once per SampleInterval, turns the cumulative CPU into a
// utilisation of the instance type's full vCPU count (as CloudWatch's CPUUtilization: a
// burstable instance held to its baseline shows the baseline, not 100 %), charges burstable
// credit accounts, and reports the group average of warmed-up in-service instances.
func (f *Fleet) sample() {
	type job struct {
		in *instance
		m  Machine
		s  Sample
		ok bool
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	var jobs []job
	for _, in := range f.insts {
		if in.machine != nil && in.state >= Starting && in.state <= Draining {
			jobs = append(jobs, job{in: in, m: in.machine})
		}
	}
	f.mu.Unlock()

	for i := range jobs { // off the lock: reading cgroup files or /proc may take a while
		s, err := jobs[i].m.Sample()
		jobs[i].s, jobs[i].ok = s, err == nil
	}

	f.mu.Lock()
	defer f.unlock()
	if f.closed {
		return
	}
	for _, j := range jobs {
		if j.ok && j.in.state != Terminated {
			f.chargeLocked(j.in, j.s)
		}
	}
	now := f.o.Clock.Now()
	sum, n := 0.0, 0
	var out []instSample
	for _, in := range f.insts {
		if in.state != InService || !in.haveCPU {
			continue
		}
		if f.o.OnSample != nil {
			out = append(out, instSample{in.id, in.last.At, in.cpu})
		}
		if !now.Before(in.inServiceAt.Add(f.o.Warmup)) {
			sum += in.cpu
			n++
		}
	}
	if len(out) > 0 { // one callback batch per round, not one closure per instance
		f.queue = append(f.queue, func() {
			for _, s := range out {
				f.o.OnSample(s.id, s.at, s.pct)
			}
		})
	}
	if n > 0 && f.o.OnCPU != nil {
		avg := sum / float64(n)
		f.queue = append(f.queue, func() { f.o.OnCPU(now, avg, n) })
	}
	f.sampler = f.o.Clock.AfterFunc(f.o.SampleInterval, f.sample)
}

type instSample struct {
	id  string
	at  time.Time
	pct float64
}

// chargeLocked folds one sample into an instance's utilisation and credit account.
func (f *Fleet) chargeLocked(in *instance, s Sample) {
	in.memBytes = s.MemoryBytes
	prev, had := in.last, in.haveLast
	in.last, in.haveLast = s, true
	if !had {
		return
	}
	dt := s.At.Sub(prev.At)
	if dt <= 0 {
		return
	}
	used := s.CPUSeconds - prev.CPUSeconds
	if used < 0 {
		used = 0
	}
	in.cpu = 100 * used / (dt.Seconds() * f.o.VCPU)
	in.haveCPU = true
	if in.credits == nil {
		return
	}
	allow := in.credits.Account(dt, used)
	if allow == in.allowance {
		return
	}
	kind := "credits_exhausted"
	if allow > in.allowance {
		kind = "credits_restored"
	}
	in.allowance = allow
	f.emitLocked(kind, in.id, fmt.Sprintf("vCPU allowance %.3g", allow))
	m := in.machine
	f.queue = append(f.queue, func() { _ = m.SetVCPU(allow) })
}

// InstanceInfo is a snapshot of one instance, for status pages and tests.
type InstanceInfo struct {
	ID          string    `json:"id"`
	State       State     `json:"-"`
	StateName   string    `json:"state"`
	Addr        string    `json:"addr,omitempty"`
	LaunchedAt  time.Time `json:"launched_at"`
	InServiceAt time.Time `json:"in_service_at,omitzero"`
	// CPU is the last measured utilisation (% of the type's vCPUs); MemoryMiB the memory.
	CPU       float64 `json:"cpu_pct"`
	MemoryMiB float64 `json:"memory_mib"`
	// Warming is true while an in-service instance is inside its warmup.
	Warming   bool `json:"warming,omitempty"`
	Unhealthy bool `json:"unhealthy,omitempty"`
	// AllowanceVCPU is the current CPU allowance (below VCPU when out of credits).
	AllowanceVCPU float64 `json:"allowance_vcpu"`
}

// Instances returns every instance launched so far, terminated ones included.
func (f *Fleet) Instances() []InstanceInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.o.Clock.Now()
	out := make([]InstanceInfo, 0, len(f.insts))
	for _, in := range f.insts {
		info := InstanceInfo{
			ID: in.id, State: in.state, StateName: in.state.String(), LaunchedAt: in.launchedAt,
			InServiceAt: in.inServiceAt, CPU: in.cpu, MemoryMiB: float64(in.memBytes) / (1 << 20),
			Warming:   in.state == InService && now.Before(in.inServiceAt.Add(f.o.Warmup)),
			Unhealthy: in.unhealthy, AllowanceVCPU: in.allowance,
		}
		if in.machine != nil {
			info.Addr = in.machine.Addr()
		}
		out = append(out, info)
	}
	return out
}
