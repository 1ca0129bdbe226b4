package live

import (
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/runtime"
)

func TestNewDriverErrors(t *testing.T) {
	var be runtime.Backend = nilBackend{}
	app := App{Command: []string{"app"}}
	for _, tc := range []struct {
		name string
		be   runtime.Backend
		app  App
		frac float64
		want string
	}{
		{"no backend", nil, app, 0.25, "backend"},
		{"no command", be, App{}, 0.25, "command"},
		{"no fraction", be, app, 0, "fraction"},
	} {
		if _, err := NewDriver(tc.be, tc.app, tc.frac, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v", tc.name, err)
		}
	}
	d, err := NewDriver(be, app, 0.25, nil)
	if err != nil || d.app.StartupTimeout != DefaultStartupTimeout {
		t.Fatalf("%+v %v", d, err)
	}
	a := AppFromSpec(runtime.Spec{Command: []string{"x", "{port}"}, HealthPath: "/h"}, time.Second)
	if a.HealthPath != "/h" || a.StartupTimeout != time.Second || len(a.Command) != 2 {
		t.Fatalf("%+v", a)
	}
}

func TestCredits(t *testing.T) {
	if Credits("m5.large", 2, "standard") != nil {
		t.Error("m5.large got a credit account")
	}
	c := Credits("t3.small", 2, "unlimited")
	if c == nil {
		t.Fatal("t3.small has no credit account")
	}
	if a := c.Account(time.Second, 2); a != 2 {
		t.Errorf("unlimited allowance %v, want 2", a)
	}
	// A t2.small in standard mode bursts on its 30 launch credits, then drops to its
	// 20 % baseline: an hour at 100 % spends 60 credits while earning 12.
	s := Credits("t2.small", 1, "standard")
	if a := s.Account(time.Minute, 60); a != 1 {
		t.Fatalf("allowance with launch credits %v, want 1", a)
	}
	if a := s.Account(time.Hour, 3600); a >= 1 || a <= 0 {
		t.Fatalf("allowance after an hour at 100 %% %v, want the baseline", a)
	}
}

// nilBackend is only a non-nil Backend for constructor checks; it starts nothing.
type nilBackend struct{ runtime.Backend }
