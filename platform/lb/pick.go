package lb

// Pick chooses a target for one new request with the configured algorithm and counts the
// request as in flight on it; the caller must call Release (or Complete) exactly once when
// the request ends. It reports false when no target can take requests — the ALB answers
// 503 then — and counts that request as rejected.
func (b *Balancer) Pick() (Target, bool) {
	e := b.pickEntry()
	if e == nil {
		return Target{}, false
	}
	return e.t, true
}

// pickEntry is Pick returning the entry, so the proxy can release exactly the entry it
// picked even if an ID is deregistered and registered again meanwhile.
func (b *Balancer) pickEntry() *entry {
	b.lcu.Request()
	b.mu.Lock()
	if b.closed {
		b.stats.rejected()
		b.mu.Unlock()
		return nil
	}
	i := b.chooseLocked()
	if i < 0 {
		b.stats.rejected()
		b.mu.Unlock()
		return nil
	}
	e := b.routable[i]
	e.inflight++
	e.stats.Requests++
	b.stats.picked()
	b.mu.Unlock()
	return e
}

// chooseLocked returns the index into b.routable of the chosen target, or -1.
func (b *Balancer) chooseLocked() int {
	n := len(b.routable)
	if n == 0 {
		return -1
	}
	switch b.cfg.Algorithm {
	case LeastOutstandingRequests:
		return b.leastOutstandingLocked(n)
	case WeightedRandom:
		return b.weightedRandomLocked(n)
	default:
		if b.cfg.SlowStart > 0 {
			return b.roundRobinSlowStartLocked(n, b.clock.Now())
		}
		i := int(b.next % uint64(n))
		b.next++
		return i
	}
}

// leastOutstandingLocked picks the target with the fewest in-flight requests; ties go
// to the first such target in round-robin order from the cursor, so that idle targets
// share requests evenly instead of the first one taking them all.
func (b *Balancer) leastOutstandingLocked(n int) int {
	start := int(b.next % uint64(n))
	best := -1
	for k := 0; k < n; k++ {
		j := (start + k) % n
		if best < 0 || b.routable[j].inflight < b.routable[best].inflight {
			best = j
		}
	}
	b.next = uint64(best) + 1
	return best
}

// weightedRandomLocked picks a target at random in proportion to its weight.
func (b *Balancer) weightedRandomLocked(n int) int {
	total := 0.0
	for _, e := range b.routable {
		total += weight(e.t)
	}
	r := b.rng.Float64() * total
	for i, e := range b.routable {
		r -= weight(e.t)
		if r < 0 {
			return i
		}
	}
	return n - 1
}

func weight(t Target) float64 {
	if t.Weight == 0 {
		return 1
	}
	return t.Weight
}

// Release ends one request on t that Pick started. A draining target whose last request
// ends is removed. Releasing a target that is no longer registered does nothing.
func (b *Balancer) Release(t Target) {
	b.Complete(t, Outcome{})
}

// Complete is Release that also records how the request ended, for Stats.
func (b *Balancer) Complete(t Target, o Outcome) {
	b.mu.Lock()
	if e := b.byID[t.ID]; e != nil {
		b.completeLocked(e, o)
		return
	}
	b.mu.Unlock()
}

// completeEntry releases e and records o.
func (b *Balancer) completeEntry(e *entry, o Outcome) {
	b.mu.Lock()
	b.completeLocked(e, o)
}

// completeLocked is completeEntry with b.mu held; it releases the lock.
func (b *Balancer) completeLocked(e *entry, o Outcome) {
	if e.inflight > 0 {
		e.inflight--
		b.stats.released()
	}
	b.stats.record(e.stats, o)
	if e.state == Draining && e.inflight == 0 && !e.removed {
		b.removeLocked(e, "drained")
	}
	b.unlockAndFlush()
	b.lcu.Bytes(o.BytesIn + o.BytesOut)
}
