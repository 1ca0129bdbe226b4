package sim

import (
	"testing"
	"time"
)

func TestFmtSim(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{90 * time.Second, "00h01m30s"},
		{26*time.Hour + 5*time.Minute, "1d02h05m"},
		{30 * 24 * time.Hour, "30d00h00m"},
	} {
		if got := fmtSim(c.d); got != c.want {
			t.Errorf("fmtSim(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
