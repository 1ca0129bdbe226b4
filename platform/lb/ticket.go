package lb

// Ticket is one request's hold on the target Take chose. It is Lease as a value, for a
// data path that runs millions of requests on one goroutine (the simulator): taking one
// allocates nothing, and Finish goes straight to the registration it holds, without
// looking the target up by ID. Like a Lease, it ends exactly the registration it picked,
// even if the same ID is deregistered and registered again meanwhile. The zero Ticket
// holds nothing.
type Ticket struct {
	e *entry
}

// Take is Pick returning a Ticket; Finish must be called exactly once with it. It reports
// false, and counts the request as rejected, when no target can take requests.
func (b *Balancer) Take() (Ticket, bool) {
	e := b.pickEntry()
	return Ticket{e: e}, e != nil
}

// Finish ends the request t holds and records how it ended, as Complete does. Finishing
// a zero Ticket does nothing.
func (b *Balancer) Finish(t Ticket, o Outcome) {
	if t.e != nil {
		b.completeEntry(t.e, o)
	}
}

// Target is the chosen target.
func (t Ticket) Target() Target { return t.e.t }

// Seq numbers the registration t holds: a balancer numbers its registrations 0, 1, 2… in
// order, so a caller can keep its own data about each target in a slice indexed by Seq
// instead of a map keyed by ID. A target registered again gets a new number.
func (t Ticket) Seq() int { return t.e.seq }
