package fleet

import "testing"

func TestStateTransitions(t *testing.T) {
	all := []State{Pending, Booting, Starting, InService, Draining, Terminated}
	allowed := map[[2]State]bool{
		{Pending, Booting}: true, {Booting, Starting}: true, {Starting, InService}: true,
		{InService, Draining}: true, {Pending, Draining}: true, {Booting, Draining}: true,
		{Starting, Draining}: true, {Draining, Terminated}: true,
		{Pending, Terminated}: true, {Booting, Terminated}: true, {Starting, Terminated}: true,
		{InService, Terminated}: true,
	}
	for _, from := range all {
		for _, to := range all {
			if got, want := from.canMove(to), allowed[[2]State{from, to}]; got != want {
				t.Errorf("%s → %s: canMove = %v, want %v", from, to, got, want)
			}
		}
	}
	if got := State(42).String(); got != "unknown" {
		t.Errorf("State(42) = %q", got)
	}
}
