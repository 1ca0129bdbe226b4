package lb

import "time"

// Outcome describes how one request routed to a target ended.
type Outcome struct {
	// Status is the HTTP status the client received; 0 if unknown (simulation may leave it).
	Status int
	// ByELB marks a status the balancer generated (502, 504, 460) rather than the target.
	ByELB bool
	// BytesIn and BytesOut are the request and response sizes, headers included.
	BytesIn, BytesOut int64
	// Duration is the target response time as the balancer saw it.
	Duration time.Duration
}

// Codes counts target-generated responses by status class.
type Codes struct {
	C2xx  int64 `json:"2xx"`
	C3xx  int64 `json:"3xx"`
	C4xx  int64 `json:"4xx"`
	C5xx  int64 `json:"5xx"`
	Other int64 `json:"other,omitempty"`
}

func (c *Codes) add(status int) {
	switch status / 100 {
	case 2:
		c.C2xx++
	case 3:
		c.C3xx++
	case 4:
		c.C4xx++
	case 5:
		c.C5xx++
	default:
		c.Other++
	}
}

// TargetStats are the counters of one target, kept after it is removed so that reports
// cover the whole run. They mirror the ALB per-target CloudWatch metrics (RequestCount,
// HTTPCode_Target_nXX_Count, TargetResponseTime) plus ELB-generated codes.
type TargetStats struct {
	Target Target `json:"target"`
	// State is the target's current state (Unused once removed).
	State State `json:"state"`
	// Requests counts requests routed to the target; InFlight those not yet completed.
	Requests int64 `json:"requests"`
	InFlight int64 `json:"in_flight"`
	// Codes counts responses the target produced.
	Codes Codes `json:"codes"`
	// ELB counts responses the balancer generated for requests routed here (502, 504,
	// 460 when the client went away first).
	ELB map[int]int64 `json:"elb,omitempty"`
	// BytesIn and BytesOut are request and response bytes, headers included.
	BytesIn  int64 `json:"bytes_in"`
	BytesOut int64 `json:"bytes_out"`
	// ResponseTime is the sum of target response times; divide by completed requests
	// for the mean.
	ResponseTime time.Duration `json:"response_time_ns"`
}

// Stats is a snapshot of the balancer: per-target counters and totals.
type Stats struct {
	At time.Time `json:"t"`
	// Requests counts every request, rejected ones included; InFlight those under way.
	Requests int64 `json:"requests"`
	InFlight int64 `json:"in_flight"`
	// Rejected counts requests answered 503 because no target could take them.
	Rejected int64 `json:"rejected"`
	// Status counts every response by exact status code, whoever generated it.
	Status map[int]int64 `json:"status"`
	// ProcessedBytes is request plus response bytes through the balancer.
	ProcessedBytes int64 `json:"processed_bytes"`
	// Healthy, Unhealthy, Initial and Draining count registered targets by state.
	Healthy   int `json:"healthy"`
	Unhealthy int `json:"unhealthy"`
	Initial   int `json:"initial"`
	Draining  int `json:"draining"`
	// FailOpen is true while the balancer routes to unhealthy targets.
	FailOpen bool `json:"fail_open"`
	// NewConnections and ActiveConnections are client connections, as fed to the LCU
	// recorder (by the live proxy, or by a simulation that models connections).
	NewConnections    int64 `json:"new_connections"`
	ActiveConnections int64 `json:"active_connections"`
	// Targets has one entry per target ever registered, in first-registration order.
	Targets []TargetStats `json:"targets"`
}

// targetCounters are the mutable counters behind TargetStats.
type targetCounters struct {
	TargetStats
}

// statsBook holds the totals and the counters of every target ever registered.
type statsBook struct {
	order    []*targetCounters
	byID     map[string]*targetCounters
	requests int64
	inflight int64
	rejects  int64
	status   map[int]int64
	bytes    int64
}

func (s *statsBook) init() {
	s.byID = make(map[string]*targetCounters)
	s.status = make(map[int]int64)
}

// get returns t's counters, creating them on first registration; a re-registered ID
// continues its counters.
func (s *statsBook) get(t Target) *targetCounters {
	if c, ok := s.byID[t.ID]; ok {
		c.Target = t
		return c
	}
	c := &targetCounters{TargetStats: TargetStats{Target: t}}
	s.byID[t.ID] = c
	s.order = append(s.order, c)
	return c
}

func (s *statsBook) picked()   { s.requests++; s.inflight++ }
func (s *statsBook) released() { s.inflight-- }
func (s *statsBook) rejected() { s.requests++; s.rejects++; s.status[503]++ }

func (s *statsBook) record(c *targetCounters, o Outcome) {
	c.BytesIn += o.BytesIn
	c.BytesOut += o.BytesOut
	c.ResponseTime += o.Duration
	s.bytes += o.BytesIn + o.BytesOut
	if o.Status == 0 {
		return
	}
	s.status[o.Status]++
	if o.ByELB {
		if c.ELB == nil {
			c.ELB = make(map[int]int64)
		}
		c.ELB[o.Status]++
		return
	}
	c.Codes.add(o.Status)
}

// Stats returns a snapshot of the counters.
func (b *Balancer) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := Stats{
		At:             b.clock.Now(),
		Requests:       b.stats.requests,
		InFlight:       b.stats.inflight,
		Rejected:       b.stats.rejects,
		Status:         make(map[int]int64, len(b.stats.status)),
		ProcessedBytes: b.stats.bytes,
		FailOpen:       b.failOpen,
		// The recorder never calls into the balancer, so reading it under b.mu is safe.
		NewConnections:    b.lcu.Totals().NewConnections,
		ActiveConnections: b.lcu.Active(),
		Targets:           make([]TargetStats, 0, len(b.stats.order)),
	}
	for k, v := range b.stats.status {
		st.Status[k] = v
	}
	for _, e := range b.targets {
		switch e.state {
		case Healthy:
			st.Healthy++
		case Unhealthy:
			st.Unhealthy++
		case Initial:
			st.Initial++
		case Draining:
			st.Draining++
		}
	}
	for _, c := range b.stats.order {
		ts := c.TargetStats
		ts.State, ts.InFlight = Unused, 0
		if e, ok := b.byID[c.Target.ID]; ok {
			ts.State, ts.InFlight = e.state, e.inflight
		}
		if c.ELB != nil {
			ts.ELB = make(map[int]int64, len(c.ELB))
			for k, v := range c.ELB {
				ts.ELB[k] = v
			}
		}
		st.Targets = append(st.Targets, ts)
	}
	return st
}
