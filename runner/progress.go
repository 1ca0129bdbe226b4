package runner

import (
	"fmt"
	"io"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// progress prints one updating line per second: platform, elapsed, requests, p95 of the
// last window, capacity, CPU and cost so far.
type progress struct {
	w        io.Writer
	name     string
	requests int64
	errors   int64
	last     time.Time
}

func newProgress(w io.Writer, name string) *progress { return &progress{w: w, name: name} }

func (p *progress) update(t float64, w window, st platform.Status, cost float64) {
	p.requests += w.Requests
	p.errors += w.Errors
	if p.w == nil {
		return
	}
	fmt.Fprintf(p.w, "\r\033[K%s  %5.0fs  req %d  err %d  p95 %.1fms  capacity %d (+%d pending)  cpu %.0f%%  $%.5f",
		p.name, t, p.requests, p.errors, w.P95, st.InService, st.Pending, st.CPU, cost)
	p.last = time.Now()
}

func (p *progress) done() {
	if p.w != nil && !p.last.IsZero() {
		fmt.Fprintln(p.w)
	}
}
