package lb

import "context"

// Lease is one request's hold on the target Pick chose. It is what a data path that
// outlives a single call (the live proxy) uses instead of Pick and Release: it releases
// exactly the registration it picked, even if the same ID is deregistered and registered
// again meanwhile, and it tells when the target is removed under the request.
type Lease struct {
	b *Balancer
	e *entry
}

// Acquire is Pick returning a Lease; Complete must be called exactly once.
func (b *Balancer) Acquire() (*Lease, bool) {
	e := b.pickEntry()
	if e == nil {
		return nil, false
	}
	return &Lease{b: b, e: e}, true
}

// Target is the chosen target.
func (l *Lease) Target() Target { return l.e.t }

// Context ends when the target is removed while the request is still running (its
// deregistration delay expired): the request should then be cut, as ALB closes the
// target's remaining connections.
func (l *Lease) Context() context.Context { return l.e.ctx }

// Complete ends the request and records its outcome.
func (l *Lease) Complete(o Outcome) { l.b.completeEntry(l.e, o) }

// AddProcessedBytes counts bytes of a request the balancer answered itself, such as a
// 503 when no target could take it, so that processed bytes (an LCU input) are complete.
func (b *Balancer) AddProcessedBytes(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	b.stats.bytes += n
	b.mu.Unlock()
	b.lcu.Bytes(n)
}
