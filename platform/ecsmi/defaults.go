package ecsmi

import "time"

// ECS Managed Instances defaults, each overridable.
const (
	// DefaultLaunchDelay is from the launch decision until the instance is registered and
	// takes tasks. AWS publishes no number for Managed Instances. The model takes EC2's
	// ~25 s launch to usable ([3p] aws-facts, EC2) plus ~35 s for the provisioning ECS
	// adds (type selection, network interface, agent registration): 60 s. The only
	// observation, a 3–4 minute task start for a GPU task with a large image (seed
	// podcast), includes the image pull. Assumption; set launch_delay to calibrate.
	DefaultLaunchDelay = 60 * time.Second
	// DefaultScaleInAfter is how long an instance stays empty before it is terminated
	// (InfrastructureOptimization.scaleInAfter). AWS documents the range (−1 to disable,
	// 0–3600 s) but not the default ([doc] ECS API InfrastructureOptimization); 300 s,
	// ECS's usual five-minute scale-in patience, is an assumption.
	DefaultScaleInAfter = 300 * time.Second
	// DefaultRegion prices the cost-optimised choice.
	DefaultRegion = "us-east-1"
	// DefaultArch is the task's CPU architecture: X86_64, ECS's default
	// runtimePlatform.cpuArchitecture ([doc] task definition parameters), so the default
	// choice never lands an x86 image on Graviton.
	DefaultArch = "x86_64"
	// DefaultMinInstances and DefaultMaxInstances bound the instances: 0 (AWS scales
	// Managed Instances to zero) to 4 (model choice).
	DefaultMinInstances = 0
	DefaultMaxInstances = 4
	// MinGeneration leaves older instance generations out of the choice unless
	// allowed_types names them: Managed Instances launches current-generation types, and
	// AWS lists the 4th generation and older (c4, m4, r4, m3, m1, a1, ...) as previous
	// generation ([doc] EC2 previous-generation instance types). The cut at 5 is a
	// simplification of that list.
	MinGeneration = 5
	// DefaultPurchase is on-demand; spot is offered (capacityOptionType SPOT).
	DefaultPurchase = "on-demand"
)
