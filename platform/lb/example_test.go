package lb_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/lb"
)

// The simulator's use of the balancer: a virtual clock, health from a model of each
// instance, and Pick/Release instead of HTTP.
func Example_simulation() {
	clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	booted := map[string]bool{"i-1": true}
	health := lb.ProberFunc(func(_ context.Context, t lb.Target) error {
		if !booted[t.ID] {
			return errors.New("connection refused")
		}
		return nil
	})
	b, _ := lb.New(lb.Config{
		Algorithm: lb.LeastOutstandingRequests,
		Observer: func(e lb.Event) {
			fmt.Printf("%5s %s %s\n", e.At.Format("04:05"), e.Target.ID, e.To)
		},
	}, clock, health)
	defer b.Close()

	b.Register(lb.Target{ID: "i-1"})
	b.Register(lb.Target{ID: "i-2"})
	clock.Advance(time.Minute) // i-2 is still booting and fails its checks
	booted["i-2"] = true
	clock.Advance(150 * time.Second) // five good checks (1:30 to 3:30) bring it back

	t, _ := b.Pick()
	b.Release(t)
	fmt.Println("requests:", b.Stats().Requests)
	// Output:
	// 00:00 i-1 initial
	// 00:00 i-2 initial
	// 00:00 i-1 healthy
	// 00:30 i-2 unhealthy
	// 03:30 i-2 healthy
	// requests: 1
}
