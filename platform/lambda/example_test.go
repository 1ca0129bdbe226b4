package lambda_test

import (
	"context"
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/platform/lambda"
)

// The simulator drives the same Pool the live platform uses, with a virtual clock and
// modelled environments: it holds an environment for a modelled service time instead of
// forwarding HTTP.
func ExamplePool() {
	clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	pool, _ := lambda.NewPool(lambda.PoolOptions{
		Clock: clock, Driver: fleettest.NewDriver(), MemoryMB: 1024, Limit: 2,
		ScalingRate: 1000, ScalingWindow: 10 * time.Second, KeepAlive: 10 * time.Minute, SampleInterval: -1,
	})
	_ = pool.Start(context.Background())
	ctx := context.Background()

	a, _ := pool.Acquire(ctx) // cold start
	b, _ := pool.Acquire(ctx) // cold start
	_, err := pool.Acquire(ctx)
	fmt.Println("third request:", err)
	pool.Release(a, 120*time.Millisecond, lambda.Succeeded)
	pool.Release(b, 80*time.Millisecond, lambda.Succeeded)

	c, _ := pool.Acquire(ctx) // warm
	fmt.Println("warm:", !c.Cold())
	pool.Release(c, 100*time.Millisecond, lambda.Succeeded)

	clock.Advance(11 * time.Minute) // past the keep-alive: both reclaimed
	fmt.Printf("%+v\n", pool.Status().InService)
	m := pool.Meter()
	fmt.Println(m.Invocations, "invocations,", m.BilledMillis, "ms billed,", m.ColdStarts, "cold starts,", m.Throttles, "throttle")
	_ = pool.Close(ctx)
	// Output:
	// third request: lambda: TooManyRequestsException: concurrency limit 2 reached
	// warm: true
	// 0
	// 3 invocations, 300 ms billed, 2 cold starts, 1 throttle
}
