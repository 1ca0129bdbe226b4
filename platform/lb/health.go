package lb

import (
	"context"
	"errors"
	"net"
)

// Prober checks one target once. Live runs use HTTPProber; the simulator passes a
// function of the modelled instance's state. Probe must return promptly when ctx ends:
// the balancer cancels ctx when the health-check timeout expires on its clock.
type Prober interface {
	Probe(ctx context.Context, t Target) error
}

// ProberFunc adapts a function to Prober.
type ProberFunc func(ctx context.Context, t Target) error

// Probe calls f.
func (f ProberFunc) Probe(ctx context.Context, t Target) error { return f(ctx, t) }

// Probe failures with their own ALB reason code. Any other error is reported as
// Target.FailedHealthChecks (connection refused, reset, malformed response).
var (
	// ErrProbeTimeout: the target did not answer within the health-check timeout. A
	// simulated prober returns it for a hung instance.
	ErrProbeTimeout = errors.New("health check timed out")
	// ErrCodeMismatch: the target answered with a status the matcher does not accept.
	ErrCodeMismatch = errors.New("health check status not matched")
)

// reasonFor maps a probe error to the ALB reason code.
func reasonFor(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, ErrProbeTimeout), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return ReasonTimeout
	case errors.Is(err, ErrCodeMismatch):
		return ReasonResponseCodeMismatch
	default:
		return ReasonFailedHealthChecks
	}
}

// healthTick runs one health check of e and schedules the next one an interval after
// this one started: ALB sends checks every interval whatever the response time ("the
// time it takes for the target to respond does not affect the interval").
func (b *Balancer) healthTick(e *entry) {
	b.mu.Lock()
	if b.closed || e.removed || e.state == Draining {
		b.mu.Unlock()
		return
	}
	e.hcTimer = b.clock.AfterFunc(b.cfg.EffectiveInterval(), func() { b.healthTick(e) })
	if e.probing { // the previous probe is still running (live only): skip this round
		b.mu.Unlock()
		return
	}
	e.probing = true
	if e.state == Initial {
		e.reason = ReasonInitialHealthChecking
	}
	b.wg.Add(1)
	b.mu.Unlock()
	defer b.wg.Done()

	// The timeout runs on the platform clock, so it is compressed with the rest of the
	// control plane and is deterministic under a virtual clock.
	ctx, cancel := context.WithCancel(b.ctx)
	timeout := b.clock.AfterFunc(b.cfg.EffectiveTimeout(), cancel)
	err := b.prober.Probe(ctx, e.t)
	if !timeout.Stop() {
		// The timeout fired first: whatever the probe returned, it was too late.
		err = ErrProbeTimeout
	}
	cancel()

	b.mu.Lock()
	e.probing = false
	if !b.closed {
		b.applyProbeLocked(e, err)
	}
	b.unlockAndFlush()
}

// applyProbeLocked is the ALB health state machine for one check result.
func (b *Balancer) applyProbeLocked(e *entry, err error) {
	if e.removed || e.state == Draining {
		return
	}
	hc := b.cfg.HealthCheck
	if err == nil {
		e.fail = 0
		e.succ++
		switch {
		case e.state == Initial && e.succ >= hc.InitialHealthyThreshold,
			e.state == Unhealthy && e.succ >= hc.HealthyThreshold:
			b.setStateLocked(e, Healthy, "")
		}
		return
	}
	e.succ = 0
	e.fail++
	reason := reasonFor(err)
	switch {
	case e.state == Unhealthy:
		e.reason = reason
	case e.fail >= hc.UnhealthyThreshold:
		b.setStateLocked(e, Unhealthy, reason)
	}
}
