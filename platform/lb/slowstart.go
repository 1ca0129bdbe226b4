package lb

import "time"

// maybeSlowStartLocked puts a target that just turned healthy into slow start, when slow
// start is on and another healthy target is already past its own: as on ALB, a target
// group with no settled target sends full traffic at once (ELB user guide, slow start
// mode).
func (b *Balancer) maybeSlowStartLocked(e *entry) {
	d := b.cfg.EffectiveSlowStart()
	if d <= 0 {
		return
	}
	now := b.clock.Now()
	for _, o := range b.targets {
		if o != e && o.state == Healthy && !now.Before(o.slowUntil) {
			e.slowFrom, e.slowUntil = now, now.Add(d)
			return
		}
	}
}

// roundRobinSlowStartLocked is round robin where a target in slow start takes its turn
// only when its accumulated credit reaches 1; each turn adds the elapsed fraction of its
// ramp. Against a settled target it therefore gets f requests per request of the other,
// f rising linearly from 0 to 1 over the slow-start duration.
func (b *Balancer) roundRobinSlowStartLocked(n int, now time.Time) int {
	start := int(b.next % uint64(n))
	for k := 0; k < n; k++ {
		j := (start + k) % n
		e := b.routable[j]
		if !now.Before(e.slowUntil) {
			b.next = uint64(j) + 1
			return j
		}
		e.credit += float64(now.Sub(e.slowFrom)) / float64(e.slowUntil.Sub(e.slowFrom))
		if e.credit >= 1 {
			e.credit--
			b.next = uint64(j) + 1
			return j
		}
	}
	b.next = uint64(start) + 1 // every target is ramping (fail-open or departures): plain turn
	return start
}
