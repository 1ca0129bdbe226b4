package ec2_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/ec2"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestStartWaitsForTheApp: Start returns once the modelled launch (compressed by the
// timescale) and the app start are done, and the URL is the instance's own address.
func TestStartWaitsForTheApp(t *testing.T) {
	clock := clocktest.New(t0)
	drv := fleettest.NewDriver()
	p, err := ec2.New(ec2.Config{Timescale: 5}, fleet.World{Clock: clock, Driver: drv})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Start(context.Background()) }()
	fleettest.Eventually(t, "launch", func() bool { return len(p.Fleet().Instances()) == 1 })
	clock.Advance(5*time.Second - time.Nanosecond) // 25 s / 5, less a tick
	select {
	case err := <-done:
		t.Fatalf("Start returned before the boot delay: %v", err)
	default:
	}
	clock.Advance(time.Nanosecond)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p.URL() != "http://127.0.0.1:ec2-1" || p.Kind() != "ec2" {
		t.Fatalf("url %q kind %q", p.URL(), p.Kind())
	}
	clock.Advance(55 * time.Second)
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	u := p.Usage()
	if len(u.Instances) != 1 || u.Instances[0].Type != "t3.small" {
		t.Fatalf("usage %+v", u)
	}
	// One minute of clock time at timescale 5 is five minutes of platform time.
	if got := u.Instances[0].EndedAt.Sub(u.Instances[0].LaunchedAt); got != 5*time.Minute {
		t.Fatalf("billed life %v, want 5m", got)
	}
	if drv.Machine("ec2-1").Stops() != 1 {
		t.Fatal("app not stopped")
	}
}

// TestStartFailsOnBrokenApp: an app that cannot start fails Start instead of hanging.
func TestStartFailsOnBrokenApp(t *testing.T) {
	clock := clocktest.New(t0)
	drv := fleettest.NewDriver()
	drv.FailNextStart()
	p, err := ec2.New(ec2.Config{}, fleet.World{Clock: clock, Driver: drv})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Start(context.Background()) }()
	fleettest.Eventually(t, "launch", func() bool { return len(p.Fleet().Instances()) == 1 })
	clock.Advance(25 * time.Second)
	err = <-done
	if err == nil || !strings.Contains(err.Error(), "no capacity") {
		t.Fatalf("err %v", err)
	}
	_ = p.Stop(context.Background())
}

// TestCrashedInstanceIsNotReplaced: nothing replaces a lone instance; it stays billed.
func TestCrashedInstanceIsNotReplaced(t *testing.T) {
	clock := clocktest.New(t0)
	drv := fleettest.NewDriver()
	lt := fleet.LaunchTemplate{PendingDelay: time.Second, BootDelay: time.Second}
	p, _ := ec2.New(ec2.Config{LaunchTemplate: lt}, fleet.World{Clock: clock, Driver: drv})
	done := make(chan error, 1)
	go func() { done <- p.Start(context.Background()) }()
	fleettest.Eventually(t, "launch", func() bool { return len(p.Fleet().Instances()) == 1 })
	clock.Advance(2 * time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	drv.Machine("ec2-1").Crash()
	fleettest.Eventually(t, "unhealthy", func() bool {
		ins := p.Fleet().Instances()
		return len(ins) == 1 && ins[0].Unhealthy
	})
	clock.Advance(time.Minute)
	if n := len(p.Fleet().Instances()); n != 1 {
		t.Fatalf("%d instances", n)
	}
	if !p.Usage().Instances[0].EndedAt.IsZero() {
		t.Fatal("billing ended with the app")
	}
	_ = p.Stop(context.Background())
}
