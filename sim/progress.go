package sim

import (
	"fmt"
	"io"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/sim/engine"
)

// progress prints one line per second of wall time on a terminal: simulated time against
// the horizon, events per second, capacity. Wall time only paces the printing; nothing
// simulated depends on it.
type progress struct {
	w       io.Writer
	name    string
	horizon time.Duration
	eng     *engine.Engine
	began   time.Time
	last    time.Time
	lastEv  uint64
	printed bool
}

func newProgress(w io.Writer, name string, horizon time.Duration, eng *engine.Engine) *progress {
	now := time.Now()
	return &progress{w: w, name: name, horizon: horizon, eng: eng, began: now, last: now}
}

func (p *progress) update(simulated int64, st platform.Status) {
	if p.w == nil {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < time.Second {
		return
	}
	rate := float64(p.eng.Events-p.lastEv) / now.Sub(p.last).Seconds()
	p.last, p.lastEv = now, p.eng.Events
	of := ""
	if p.horizon > 0 {
		of = fmt.Sprintf(" / %s (%.0f%%)", fmtSim(p.horizon), 100*float64(simulated)/float64(p.horizon))
	}
	fmt.Fprintf(p.w, "\r  %s: simulated %s%s, %.2f M events/s, %d in service, %d pending   ",
		p.name, fmtSim(time.Duration(simulated)), of, rate/1e6, st.InService, st.Pending)
	p.printed = true
}

func (p *progress) done() {
	if p.w != nil && p.printed {
		fmt.Fprintf(p.w, "\n")
	}
}

// fmtSim prints simulated time as days, hours and minutes.
func fmtSim(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	if days > 0 {
		return fmt.Sprintf("%dd%02dh%02dm", days, int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%02dh%02dm%02ds", int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second))
}
