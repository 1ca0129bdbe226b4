package cluster

import "github.com/deploybench/deploybench/platform/ecs"

// Slot is a container instance as placement sees it: the CPU and memory not yet reserved
// by tasks, and how many of the service's tasks it runs.
type Slot struct {
	ID         string
	FreeVCPU   float64
	FreeMemMiB int
	Tasks      int
}

// Fits reports whether a task of vcpu and memMiB fits in s.
func (s Slot) Fits(vcpu float64, memMiB int) bool {
	return s.FreeVCPU+1e-9 >= vcpu && s.FreeMemMiB >= memMiB
}

// Choose returns the index of the slot a task of vcpu and memMiB goes to, or -1 when none
// has room (the task then waits in PROVISIONING). It is pure.
//
// binpack: the instance with the least CPU left after placement, then the least memory
// (ECS binpack on cpu, with memory as the tie-break), so tasks fill instances before
// spilling onto new ones and empty instances can be scaled in.
// spread: the instance running the fewest of the service's tasks (ECS spread on
// instanceId). Remaining ties go to the earliest slot, so placement is deterministic.
func Choose(strategy string, slots []Slot, vcpu float64, memMiB int) int {
	best := -1
	for i, s := range slots {
		if !s.Fits(vcpu, memMiB) {
			continue
		}
		if best < 0 || better(strategy, s, slots[best]) {
			best = i
		}
	}
	return best
}

func better(strategy string, a, b Slot) bool {
	if strategy == ecs.Spread {
		return a.Tasks < b.Tasks
	}
	if a.FreeVCPU != b.FreeVCPU {
		return a.FreeVCPU < b.FreeVCPU
	}
	return a.FreeMemMiB < b.FreeMemMiB
}

// TasksPerInstance is how many tasks of vcpu and memMiB an empty instance of the given
// registered capacity holds.
func TasksPerInstance(instVCPU float64, instMemMiB int, vcpu float64, memMiB int) int {
	if vcpu <= 0 || memMiB <= 0 {
		return 0
	}
	byCPU := int(instVCPU/vcpu + 1e-9)
	byMem := instMemMiB / memMiB
	return min(byCPU, byMem)
}
