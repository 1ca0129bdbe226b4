package calibration

import (
	"fmt"
	"math"
)

// AWSTimes are start-up times measured on real AWS by `deploybench aws run` and read back
// by `deploybench calibrate --from`. The simulator uses them in place of the fact-sheet
// defaults for the platforms a scenario does not configure itself (see sim.ApplyAWSTimes);
// a zero time was not measured and changes nothing.
type AWSTimes struct {
	// From names the run measured: scenario, region and start time.
	From string `json:"from"`
	// EC2LaunchMs is an EC2 instance's launch → running (RunInstances until the instance
	// runs, before its OS has booted: what CloudFormation's CREATE_COMPLETE of an
	// instance measures), the median over EC2LaunchSamples instances.
	EC2LaunchMs      float64 `json:"ec2_launch_ms,omitempty"`
	EC2LaunchSamples int     `json:"ec2_launch_samples,omitempty"`
	// TaskStartMs is an ECS service's create → stable as CloudFormation measures it
	// (placement, provisioning, image pull, the app's start and the first health checks):
	// an upper bound of a task's start, the median over TaskStartSamples services.
	TaskStartMs      float64 `json:"task_start_ms,omitempty"`
	TaskStartSamples int     `json:"task_start_samples,omitempty"`
	// ColdStartMs is a Lambda execution environment's INIT duration, the median over
	// ColdStartSamples cold starts (or CloudWatch datapoints, see From).
	ColdStartMs      float64 `json:"cold_start_ms,omitempty"`
	ColdStartSamples int     `json:"cold_start_samples,omitempty"`
}

// Validate checks that every time is finite and ≥ 0 and that a time has its samples.
func (t *AWSTimes) Validate() error {
	for _, f := range []struct {
		name string
		ms   float64
		n    int
	}{
		{"ec2_launch_ms", t.EC2LaunchMs, t.EC2LaunchSamples},
		{"task_start_ms", t.TaskStartMs, t.TaskStartSamples},
		{"cold_start_ms", t.ColdStartMs, t.ColdStartSamples},
	} {
		if f.ms < 0 || math.IsNaN(f.ms) || math.IsInf(f.ms, 0) {
			return fmt.Errorf("calibration: aws.%s: %v must be a time ≥ 0 in milliseconds", f.name, f.ms)
		}
		if f.n < 0 || (f.ms > 0 && f.n == 0) {
			return fmt.Errorf("calibration: aws.%s: needs its sample count (> 0) beside it", f.name)
		}
	}
	return nil
}

// Empty reports whether nothing was measured.
func (t *AWSTimes) Empty() bool {
	return t == nil || t.EC2LaunchMs == 0 && t.TaskStartMs == 0 && t.ColdStartMs == 0
}
