package autoscale

import (
	"fmt"
	"time"
)

// ManagedScaling is ECS capacity provider managed scaling (cluster-auto-scaling.html): it
// sizes an Auto Scaling group of container instances so that CapacityProviderReservation
// tracks TargetCapacity. Decide is a pure calculator; a platform feeds it the number of
// instances the tasks need (including tasks waiting in PROVISIONING) and the number running,
// and runs it on the capacity provider's alarms (AlarmHigh 1 of 1, AlarmLow 15 of 15).
type ManagedScaling struct {
	// TargetCapacity is the target reservation in percent, (0, 100]; 100 packs instances
	// full, lower keeps spare capacity.
	TargetCapacity float64
	// MinStep and MaxStep bound how many instances one scaling action adds or removes.
	MinStep, MaxStep int
	// InstanceWarmup is how long a new instance is left out of the metric (default 300 s).
	InstanceWarmup time.Duration
}

// WithDefaults fills zero fields from d, dividing the warm-up by timescale.
func (c ManagedScaling) WithDefaults(d Defaults, timescale float64) ManagedScaling {
	if c.TargetCapacity == 0 {
		c.TargetCapacity = d.CapacityTargetPercent
	}
	if c.MinStep == 0 {
		c.MinStep = d.CapacityMinStep
	}
	if c.MaxStep == 0 {
		c.MaxStep = d.CapacityMaxStep
	}
	if c.InstanceWarmup == 0 {
		c.InstanceWarmup = d.CapacityInstanceWarmup
	}
	c.InstanceWarmup = scaleDuration(c.InstanceWarmup, timescale)
	return c
}

// Validate reports the first invalid field.
func (c ManagedScaling) Validate() error {
	switch {
	case !(c.TargetCapacity > 0 && c.TargetCapacity <= 100):
		return fmt.Errorf("autoscale: managed scaling: TargetCapacity: must be in (0, 100] percent, got %v", c.TargetCapacity)
	case c.MinStep < 1 || c.MinStep > 10000:
		return fmt.Errorf("autoscale: managed scaling: MinStep: must be in [1, 10000], got %d", c.MinStep)
	case c.MaxStep < c.MinStep || c.MaxStep > 10000:
		return fmt.Errorf("autoscale: managed scaling: MaxStep: must be in [MinStep=%d, 10000], got %d", c.MinStep, c.MaxStep)
	case c.InstanceWarmup < 0 || c.InstanceWarmup > 10000*time.Second:
		return fmt.Errorf("autoscale: managed scaling: InstanceWarmup: must be in [0, 10000s], got %v", c.InstanceWarmup)
	}
	return nil
}

// CapacityProviderReservation returns the metric ECS publishes: required (M) over running
// (N) instances × 100, with AWS's special cases: N = 0 and M > 0 gives 200 (scale out from
// zero), M = 0 and N = 0 gives 100 (steady).
func CapacityProviderReservation(required, running int) float64 {
	switch {
	case running <= 0 && required > 0:
		return 200
	case running <= 0:
		return 100
	}
	return float64(required) / float64(running) * 100
}

// Decide returns the instance count managed scaling asks for: the count that puts the
// reservation at TargetCapacity, ⌈required × 100 / TargetCapacity⌉, reached by a step of
// at least MinStep (not past the target when scaling in) and at most MaxStep.
func (c ManagedScaling) Decide(required, running int) int {
	if required < 0 {
		required = 0
	}
	if running < 0 {
		running = 0
	}
	want := ceilCapacity(float64(required) * 100 / c.TargetCapacity)
	if required > 0 && want < 1 {
		want = 1
	}
	switch {
	case want > running:
		step := want - running
		step = max(step, c.MinStep)
		step = min(step, c.MaxStep)
		return running + step
	case want < running:
		step := min(running-want, c.MaxStep)
		return running - step
	}
	return running
}
