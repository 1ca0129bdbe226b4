package runtime

import (
	"context"
	"time"
)

// Utilisation returns the CPU used between two samples of one instance as a percentage
// of its allowance over the interval: VCPU emulated vCPUs × VCPUFraction host cores ×
// elapsed time. Like CloudWatch's CPUUtilization it is relative to the instance's full
// vCPUs, so a burstable instance held to a 20 % baseline shows 20 %, not 100 %. It returns
// 0 for samples that do not span time or carry no allowance.
func Utilisation(prev, cur Usage) float64 {
	dt := cur.At.Sub(prev.At).Seconds()
	cores := cur.VCPU * cur.VCPUFraction
	if dt <= 0 || cores <= 0 {
		return 0
	}
	used := max(cur.CPUSeconds-prev.CPUSeconds, 0)
	return 100 * used / (dt * cores)
}

// DefaultSampleInterval is how often a Sampler reads an instance: every second, finer
// than the 10-second high-resolution CloudWatch period that autoscaling may aggregate.
const DefaultSampleInterval = time.Second

// Sample is one reading of an instance by a Sampler.
type Sample struct {
	// Instance is the instance's ID.
	Instance string
	// Usage is the raw reading.
	Usage Usage
	// CPUPercent is the utilisation since the previous reading (see Utilisation).
	CPUPercent float64
}

// Sampler reads an instance's usage at a fixed interval and hands each reading to Emit.
type Sampler struct {
	// Every is the interval; 0 means DefaultSampleInterval.
	Every time.Duration
	// Emit receives every reading after the first (which only sets the baseline), in
	// order, from the goroutine running Run.
	Emit func(Sample)
	// OnError, if set, receives failed readings; sampling goes on.
	OnError func(error)
}

// Run samples inst until ctx ends or the instance exits; it then emits one last reading
// covering the final interval. It returns ctx.Err() or nil after an exit.
func (s Sampler) Run(ctx context.Context, inst Instance) error {
	every := s.Every
	if every <= 0 {
		every = DefaultSampleInterval
	}
	prev, err := inst.Usage()
	have := err == nil
	if err != nil && s.OnError != nil {
		s.OnError(err)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		exited := false
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-inst.Done():
			exited = true
		case <-tick.C:
		}
		cur, err := inst.Usage()
		switch {
		case err != nil:
			if s.OnError != nil {
				s.OnError(err)
			}
		case !have:
			prev, have = cur, true
		default:
			if s.Emit != nil {
				s.Emit(Sample{Instance: inst.ID(), Usage: cur, CPUPercent: Utilisation(prev, cur)})
			}
			prev = cur
		}
		if exited {
			return nil
		}
	}
}
