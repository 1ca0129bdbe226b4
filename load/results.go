package load

import (
	"io"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/deploybench/deploybench/load/result"
)

// The result types live in package result, so that readers of saved results need not
// import the engine; these aliases keep load.Result and friends as the library's API.
type (
	// Result is the outcome of one load run (see result.Result).
	Result = result.Result
	// StageResult summarises one ramping stage or one batch.
	StageResult = result.StageResult
	// Window is one second of a run.
	Window = result.Window
	// Latency is a latency distribution summary in milliseconds.
	Latency = result.Latency
)

// The latency bases (see result.BasisIntended and result.BasisSent).
const (
	BasisIntended = result.BasisIntended
	BasisSent     = result.BasisSent
)

// ReadJSON reads a Result written by Result.WriteJSON and checks that it is coherent.
func ReadJSON(r io.Reader) (*Result, error) { return result.ReadJSON(r) }

// DecodeHistogram reads a histogram written in Result.Histogram (microseconds).
func DecodeHistogram(s string) (*hdrhistogram.Histogram, error) { return result.DecodeHistogram(s) }

// StallLag is the send lag that marks a window as a host stall (see result.StallLag).
const StallLag = result.StallLag

// Stalled reports which windows Result.LatencySteady leaves out (see result.Stalled).
func Stalled(ws []Window) []bool { return result.Stalled(ws) }
