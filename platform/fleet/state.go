package fleet

// State is where an instance is in its life.
type State int

// The instance states, in lifecycle order.
const (
	// Pending: the launch was requested; EC2 is placing the instance (API + pending).
	Pending State = iota
	// Booting: the instance is running and its OS boots.
	Booting
	// Starting: the app process was started and is not yet serving (not ready, or ready
	// and registered but not yet healthy per the load balancer's checks).
	Starting
	// InService: the app serves traffic (healthy target, or ready when there is no LB).
	InService
	// Draining: deregistered from the load balancer, finishing in-flight requests.
	Draining
	// Terminated: the instance is gone; billing stopped.
	Terminated
)

var stateNames = [...]string{"pending", "booting", "starting", "in_service", "draining", "terminated"}

// String returns the snake_case name used in events and JSON.
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "unknown"
	}
	return stateNames[s]
}

// canMove reports whether the lifecycle allows going from s to next. Every live state may
// jump to Terminated (crash, kill, stop of the whole fleet) or Draining (scale-in,
// replacement); otherwise states only advance one step.
func (s State) canMove(next State) bool {
	switch {
	case s == Terminated:
		return false
	case next == Terminated:
		return true
	case next == Draining:
		return s != Draining
	default:
		return next == s+1 && next != Draining
	}
}
