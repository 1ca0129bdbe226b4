package lambda

// VCPUForMemory is the CPU share Lambda gives a memory setting: proportional to memory,
// 1,769 MB = 1 vCPU, at most 6. It becomes the environment's CPU quota (in emulated
// vCPUs), so a 128 MB function runs at 7 % of a vCPU, as on AWS.
func VCPUForMemory(memoryMB int) float64 {
	v := float64(memoryMB) / MBPerVCPU
	if v > MaxVCPU {
		v = MaxVCPU
	}
	return v
}
