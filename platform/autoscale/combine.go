package autoscale

import "time"

// Combiner chooses which of several policies' decisions the Controller applies.
type Combiner interface {
	// Choose returns the index in ds of the decision to apply to current capacity, or -1.
	Choose(now time.Time, current int, ds []Decision) int
	// Applied tells the combiner the group was changed from→to at now (for cooldowns).
	Applied(now time.Time, from, to int)
}

// ASGCombiner combines as EC2 Auto Scaling does (as-scale-based-on-demand.html, "multiple
// dynamic scaling policies"): the policy that provides the largest capacity wins, for
// scale-out and scale-in alike, and a scale-in happens only if every target tracking policy
// is ready to scale in. It holds no state; the zero value is ready to use.
type ASGCombiner struct{}

// Choose implements Combiner.
func (ASGCombiner) Choose(_ time.Time, current int, ds []Decision) int {
	best, veto := -1, false
	for i, d := range ds {
		veto = veto || d.VetoScaleIn
		if d.Desired != current && (best < 0 || d.Desired > ds[best].Desired) {
			best = i
		}
	}
	if best >= 0 && ds[best].Desired < current && veto {
		return -1
	}
	return best
}

// Applied implements Combiner.
func (ASGCombiner) Applied(time.Time, int, int) {}

// ServiceCombiner combines as ECS service auto scaling (Application Auto Scaling) does:
// scale out if any policy says so (to the largest capacity asked), scale in only if all
// agree (to the largest of their capacities, i.e. the smallest reduction). After a
// scale-in, no scale-in for ScaleInCooldown; a scale-out may still happen at once. After a
// scale-out, for ScaleOutCooldown, only a larger scale-out than the one that started the
// cooldown is applied. Current capacity is the service's running count.
//
// Use NewServiceCombiner for the AWS defaults; a zero value has no cooldowns.
type ServiceCombiner struct {
	ScaleInCooldown  time.Duration
	ScaleOutCooldown time.Duration

	lastIn, lastOut time.Time
	outTo           int
}

// NewServiceCombiner returns a combiner with d's ECS service cooldowns (300 s each in
// AWSDefaults), divided by timescale.
func NewServiceCombiner(d Defaults, timescale float64) *ServiceCombiner {
	return &ServiceCombiner{
		ScaleInCooldown:  scaleDuration(d.ServiceScaleInCooldown, timescale),
		ScaleOutCooldown: scaleDuration(d.ServiceScaleOutCooldown, timescale),
	}
}

// Choose implements Combiner.
func (c *ServiceCombiner) Choose(now time.Time, current int, ds []Decision) int {
	out, in, allIn := -1, -1, len(ds) > 0
	for i, d := range ds {
		switch d.Direction(current) {
		case 1:
			if out < 0 || d.Desired > ds[out].Desired {
				out = i
			}
		case -1:
			if in < 0 || d.Desired > ds[in].Desired {
				in = i
			}
		}
		allIn = allIn && d.Desired < current
	}
	if out >= 0 {
		if inCooldown(now, c.lastOut, c.ScaleOutCooldown) && ds[out].Desired <= c.outTo {
			return -1
		}
		return out
	}
	if allIn && !inCooldown(now, c.lastIn, c.ScaleInCooldown) {
		return in
	}
	return -1
}

// Applied implements Combiner.
func (c *ServiceCombiner) Applied(now time.Time, from, to int) {
	if to > from {
		c.lastOut, c.outTo = now, to
	} else if to < from {
		c.lastIn = now
	}
}

func inCooldown(now, last time.Time, d time.Duration) bool {
	return !last.IsZero() && now.Before(last.Add(d))
}
