package runtime

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/runtime/burst"
)

// TestCreditsThrottleToBaseline wires the pieces a live fleet wires: a Sampler feeds
// measured vCPU-seconds to a standard-mode t3.small credit account, and the allowance it
// returns is applied with SetVCPU. A saturated instance starting with a tiny balance is
// held to its 20 % baseline once the balance is spent. Not parallel: it measures CPU.
func TestCreditsThrottleToBaseline(t *testing.T) {
	p := newBackend(t, true)
	ty, _ := burst.Lookup("t3.small") // 2 vCPU, 20 % baseline
	acct := burst.New(ty, burst.Standard)
	acct.SetBalance(0.05) // 3 vCPU-seconds: spent in about 1.5 s at full speed
	in := startReady(t, p, helperSpec("t3-small", 2, 0, "GOMAXPROCS", "2"))

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	wg.Go(func() { // saturate the instance until the test ends
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+in.Addr()+"/burn?d=300ms&n=2", nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	})

	throttled := make(chan Usage, 1)
	after := make(chan Usage, 1)
	var prev Usage
	var since time.Time
	wg.Go(func() {
		_ = Sampler{Every: 100 * time.Millisecond, Emit: func(s Sample) {
			if !prev.At.IsZero() {
				allow := acct.Account(s.Usage.At.Sub(prev.At), s.Usage.VCPUSeconds()-prev.VCPUSeconds())
				if allow != s.Usage.AllowedVCPU {
					if err := in.SetVCPU(allow); err != nil {
						t.Error(err)
					}
					if allow < 2 && since.IsZero() {
						since = s.Usage.At
						throttled <- s.Usage
					}
				}
				if !since.IsZero() && s.Usage.At.Sub(since) >= 1500*time.Millisecond {
					select {
					case after <- s.Usage:
					default:
					}
				}
			}
			prev = s.Usage
		}}.Run(ctx, in)
	})

	var u0, u1 Usage
	select {
	case u0 = <-throttled:
	case <-time.After(30 * time.Second):
		t.Fatalf("never throttled; account %+v", acct.State())
	}
	select {
	case u1 = <-after:
	case <-time.After(30 * time.Second):
		t.Fatal("no sample 1.5 s after the throttle")
	}
	cancel()
	st := acct.State()
	if !st.Throttled || st.AllowanceVCPU != 0.4 {
		t.Errorf("account %+v, want throttled to 0.4 vCPU", st)
	}
	util := Utilisation(u0, u1)
	t.Logf("after the balance ran out: %.1f %% of 2 vCPU (baseline 20 %%), account %+v", util, st)
	if util > 20*1.3 {
		t.Errorf("utilisation %.1f %% once out of credits, want at most about the 20 %% baseline", util)
	}
}
