package lb

import (
	"time"

	"github.com/deploybench/deploybench/platform"
)

// State is an ALB target health state.
type State int

// The ALB target states. Source: ELB API reference, TargetHealth (State and Reason).
const (
	// Initial: registered, health checks not yet passed; receives no traffic.
	Initial State = iota
	// Healthy: passing health checks; in rotation.
	Healthy
	// Unhealthy: failed UnhealthyThreshold checks in a row; out of rotation unless the
	// balancer fails open.
	Unhealthy
	// Draining: deregistering; gets no new requests while its in-flight requests finish.
	Draining
	// Unused: no longer registered (the state an ALB reports for a removed target).
	Unused
)

var stateNames = [...]string{"initial", "healthy", "unhealthy", "draining", "unused"}

// String returns the ALB spelling of the state.
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "unknown"
	}
	return stateNames[s]
}

// MarshalText makes states readable in JSON reports.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ALB reason codes carried by events and target snapshots. Source: ELB API reference,
// TargetHealth.Reason.
const (
	ReasonRegistrationInProgress   = "Elb.RegistrationInProgress"
	ReasonInitialHealthChecking    = "Elb.InitialHealthChecking"
	ReasonResponseCodeMismatch     = "Target.ResponseCodeMismatch"
	ReasonTimeout                  = "Target.Timeout"
	ReasonFailedHealthChecks       = "Target.FailedHealthChecks"
	ReasonDeregistrationInProgress = "Target.DeregistrationInProgress"
	ReasonNotRegistered            = "Target.NotRegistered"
)

// Event is one target state change.
type Event struct {
	// At is the platform-clock time of the change.
	At time.Time `json:"t"`
	// Target is the target that changed.
	Target Target `json:"target"`
	// From and To are the states before and after; a new registration has From == To ==
	// Initial.
	From State `json:"from"`
	To   State `json:"to"`
	// Reason is the ALB reason code, or a note such as "drained" or "delay expired" for
	// removals.
	Reason string `json:"reason,omitempty"`
}

// PlatformEvent converts e into the platform-wide event type the runner streams, with
// kinds "target_initial", "target_healthy", "target_unhealthy", "target_draining" and
// "target_removed".
func (e Event) PlatformEvent() platform.Event {
	kind := "target_" + e.To.String()
	if e.To == Unused {
		kind = "target_removed"
	}
	return platform.Event{At: e.At, Kind: kind, Instance: e.Target.ID, Detail: e.Reason}
}
