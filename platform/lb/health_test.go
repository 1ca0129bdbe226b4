package lb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
)

// TestHealthStateMachine walks a target through the ALB states with the fake clock:
// each step sets the probe result, advances platform time and checks the state.
func TestHealthStateMachine(t *testing.T) {
	refused := errors.New("connect: connection refused")
	type step struct {
		err     error
		advance time.Duration
		want    State
		reason  string
	}
	tests := []struct {
		name  string
		cfg   Config
		steps []step
	}{
		{"one success makes a new target healthy", Config{}, []step{
			{nil, 0, Healthy, ""},
		}},
		{"initial threshold 5 needs five checks", Config{HealthCheck: HealthCheck{InitialHealthyThreshold: 5}}, []step{
			{nil, 0, Initial, ReasonInitialHealthChecking},
			{nil, 90 * time.Second, Initial, ReasonInitialHealthChecking}, // 4 checks
			{nil, 30 * time.Second, Healthy, ""},                          // 5th
		}},
		{"new target failing goes unhealthy after 2", Config{}, []step{
			{refused, 0, Initial, ReasonInitialHealthChecking},
			{refused, 30 * time.Second, Unhealthy, ReasonFailedHealthChecks},
		}},
		{"healthy needs 2 failures in a row", Config{}, []step{
			{nil, 0, Healthy, ""},
			{refused, 30 * time.Second, Healthy, ""},
			{nil, 30 * time.Second, Healthy, ""}, // success resets the count
			{refused, 30 * time.Second, Healthy, ""},
			{refused, 30 * time.Second, Unhealthy, ReasonFailedHealthChecks},
		}},
		{"timeout counts as failure", Config{}, []step{
			{nil, 0, Healthy, ""},
			{ErrProbeTimeout, 60 * time.Second, Unhealthy, ReasonTimeout},
		}},
		{"status mismatch reason", Config{}, []step{
			{nil, 0, Healthy, ""},
			{fmt.Errorf("%w: got 500", ErrCodeMismatch), 60 * time.Second, Unhealthy, ReasonResponseCodeMismatch},
		}},
		{"recovery needs healthy threshold 5", Config{}, []step{
			{nil, 0, Healthy, ""},
			{refused, 60 * time.Second, Unhealthy, ReasonFailedHealthChecks},
			{nil, 120 * time.Second, Unhealthy, ReasonFailedHealthChecks},    // 4 successes
			{refused, 30 * time.Second, Unhealthy, ReasonFailedHealthChecks}, // resets
			{nil, 120 * time.Second, Unhealthy, ReasonFailedHealthChecks},
			{nil, 30 * time.Second, Healthy, ""},
		}},
		{"custom thresholds and timescale", Config{Timescale: 10, HealthCheck: HealthCheck{UnhealthyThreshold: 3, HealthyThreshold: 2}}, []step{
			{nil, 0, Healthy, ""},
			{refused, 6 * time.Second, Healthy, ""}, // 2 checks at 3 s compressed interval
			{refused, 3 * time.Second, Unhealthy, ReasonFailedHealthChecks},
			{nil, 3 * time.Second, Unhealthy, ReasonFailedHealthChecks},
			{nil, 3 * time.Second, Healthy, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFakeProber()
			b, c := newBalancer(t, tt.cfg, p)
			register(t, b, "i-1")
			for i, s := range tt.steps {
				p.set("i-1", s.err)
				c.Advance(s.advance)
				ts := b.Targets()[0]
				if ts.State != s.want || ts.Reason != s.reason {
					t.Fatalf("step %d (t=%v): state %v %q, want %v %q", i, c.Now().Sub(t0), ts.State, ts.Reason, s.want, s.reason)
				}
			}
		})
	}
}

func TestHealthCheckCadence(t *testing.T) {
	p := newFakeProber()
	b, c := newBalancer(t, Config{}, p)
	register(t, b, "i-1")
	c.Advance(0)
	if n := p.count("i-1"); n != 1 {
		t.Fatalf("probes at registration = %d, want 1", n)
	}
	c.Advance(10 * time.Minute)
	if n := p.count("i-1"); n != 21 {
		t.Errorf("probes over 10 min = %d, want 21 (one every 30 s)", n)
	}
	if next, _ := c.Next(); next.Sub(t0) != 10*time.Minute+30*time.Second {
		t.Errorf("next check at t0+%v", next.Sub(t0))
	}
}

// TestProbeTimeoutOnPlatformClock: a probe that does not answer is cut by the timeout
// measured on the balancer's clock, and counts as a Target.Timeout failure.
func TestProbeTimeoutOnPlatformClock(t *testing.T) {
	c := clocktest.New(t0)
	hang := false
	var sawCancel bool
	prober := ProberFunc(func(ctx context.Context, _ Target) error {
		if !hang {
			return nil
		}
		// Model a target that takes 8 s: platform time passes while it "works".
		c.Advance(8 * time.Second)
		select {
		case <-ctx.Done():
			sawCancel = true
			return ctx.Err()
		default:
			return nil // answered, but after the 5 s timeout
		}
	})
	b, err := New(Config{}, c, prober)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	register(t, b, "slow")
	c.Advance(0)
	hang = true
	c.Advance(60 * time.Second)
	ts := b.Targets()[0]
	if ts.State != Unhealthy || ts.Reason != ReasonTimeout || !sawCancel {
		t.Errorf("after slow probes: %v %q (probe context cancelled: %v)", ts.State, ts.Reason, sawCancel)
	}
}

func TestEventsHaveTimestamps(t *testing.T) {
	p := newFakeProber()
	log := &eventLog{}
	b, c := newBalancer(t, Config{Observer: log.observe, DeregistrationDelay: 20 * time.Second}, p)
	register(t, b, "i-1")
	c.Advance(0)
	p.set("i-1", errors.New("refused"))
	c.Advance(60 * time.Second)
	tg, _ := b.Pick() // fail-open: the only target is unhealthy
	if err := b.Deregister("i-1"); err != nil {
		t.Fatal(err)
	}
	c.Advance(20 * time.Second) // delay expires with the request still in flight
	b.Release(tg)
	var lines []string
	for _, e := range log.all() {
		lines = append(lines, fmt.Sprintf("%v %s->%s %s", e.At.Sub(t0), e.From, e.To, e.Reason))
	}
	want := []string{
		"0s initial->initial Elb.RegistrationInProgress",
		"0s initial->healthy ",
		"1m0s healthy->unhealthy Target.FailedHealthChecks",
		"1m0s unhealthy->draining Target.DeregistrationInProgress",
		"1m20s draining->unused Target.NotRegistered (deregistration delay expired)",
	}
	if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if h := b.Events(); len(h) != len(want) {
		t.Errorf("Events() has %d, want %d", len(h), len(want))
	}
	pe := log.all()[1].PlatformEvent()
	if pe.Kind != "target_healthy" || pe.Instance != "i-1" {
		t.Errorf("PlatformEvent = %+v", pe)
	}
	if st := b.Stats(); st.InFlight != 0 || st.Targets[0].State != Unused {
		t.Errorf("after removal: in flight %d, state %v", st.InFlight, st.Targets[0].State)
	}
}

func TestObserverMayCallBack(t *testing.T) {
	var b *Balancer
	var seen []int
	obs := func(e Event) { seen = append(seen, len(b.Targets())) }
	b, c := newBalancer(t, Config{Observer: obs}, newFakeProber())
	register(t, b, "a", "b")
	c.Advance(0)
	if len(seen) != 4 {
		t.Errorf("observer saw %d events, want 4", len(seen))
	}
}

func TestDrainWithoutHTTP(t *testing.T) {
	log := &eventLog{}
	b, c := newBalancer(t, Config{Observer: log.observe}, nil)
	register(t, b, "a", "b")
	ta, _ := b.Pick() // a
	if ta.ID != "a" {
		t.Fatalf("first pick %s, want a", ta.ID)
	}
	if err := b.Deregister("a"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		tg, _ := b.Pick()
		if tg.ID != "b" {
			t.Fatalf("draining target got a new request")
		}
		b.Release(tg)
	}
	c.Advance(time.Minute)
	if stateOf(b, "a") != Draining {
		t.Fatalf("a is %v before its request ends, want draining", stateOf(b, "a"))
	}
	b.Release(ta)
	if stateOf(b, "a") != Unused {
		t.Errorf("a is %v after its last request, want removed", stateOf(b, "a"))
	}
	last := log.all()[len(log.all())-1]
	if last.To != Unused || last.At.Sub(t0) != time.Minute || !strings.Contains(last.Reason, "drained") {
		t.Errorf("last event %+v", last)
	}
	if c.Pending() != 0 {
		t.Errorf("deregistration timer still pending after drain")
	}
	// The ID may be registered again and keeps its counters.
	register(t, b, "a")
	if st := b.Stats(); len(st.Targets) != 2 || st.Targets[0].Requests != 1 {
		t.Errorf("stats after re-register: %+v", st.Targets)
	}
}
