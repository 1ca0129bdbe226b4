package fargate

import "time"

// Fargate defaults, each overridable in the scenario.
const (
	// DefaultProvisioningDelay is from the task's creation until its image pull starts:
	// Fargate finds capacity and attaches the task's elastic network interface. AWS
	// publishes no figure; with the 12 MB/s pull (ecs.DefaultPullThroughputMBps) it makes
	// a 413 MB image start in ~54 s plus the app, inside the measured 53–62 s ([3p]
	// aws-facts, "Task start: 53–62 s for a 413 MB image without lazy loading").
	// Assumption.
	DefaultProvisioningDelay = 20 * time.Second
	// DefaultArch is x86_64; arm64 (Graviton) is billed at the ARM rates.
	DefaultArch = "x86_64"
	// DefaultSpotInterruptionsPerHour is 0: Spot tasks are not interrupted unless a rate
	// is configured. AWS publishes no interruption frequency for Fargate Spot.
	DefaultSpotInterruptionsPerHour = 0.0
)

// ValidCPUs are the Fargate task CPU sizes (Linux), in vCPU. Source: [doc]
// AWS_Fargate.html, task CPU and memory.
var ValidCPUs = []float64{0.25, 0.5, 1, 2, 4, 8, 16}
