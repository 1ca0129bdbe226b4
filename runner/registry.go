package runner

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/runtime"
)

// Deps is what a platform factory gets to build a platform.
type Deps struct {
	// Clock drives the control plane (wall clock live, virtual in simulation).
	Clock platform.Clock
	// Backend starts app instances for real.
	Backend runtime.Backend
	// App is the app template: command, env, health path. Factories set Name, VCPU and
	// MemoryMiB per instance.
	App runtime.Spec
	// Timescale divides control-plane delays.
	Timescale float64
	// VCPUFraction is the share of a host core one emulated vCPU gets.
	VCPUFraction float64
	// StartupTimeout bounds each app's exec → ready.
	StartupTimeout time.Duration
	// HandlerType is the scenario's app.handler_type: "http", or "runtime-api" for a
	// Lambda handler image run through the Runtime Interface Emulator.
	HandlerType string
	// Book prices instance types in the scenario's region.
	Book *pricing.Book
	// OnEvent receives control-plane events as they happen.
	OnEvent func(platform.Event)
	// Log receives human-readable notes (fallbacks, warnings).
	Log io.Writer
}

// Built is a platform ready to start, with what the runner needs to know about it before
// it runs.
type Built struct {
	Platform platform.Platform
	// Size is what the report's size column shows: "t3a.xlarge", "1 vCPU / 2 GB", "1024 MB".
	Size string
	// MaxVCPU is the most emulated vCPUs it can run at once (max capacity × vCPUs), for
	// the host capacity check.
	MaxVCPU float64
	// MaxVCPUHint says how to lower MaxVCPU when the host cannot hold it.
	MaxVCPUHint string
	// PerRequest marks pay-per-request platforms (Lambda), whose measured CPU is not the
	// best source for projecting other platforms' costs.
	PerRequest bool
	// UnitVCPU is the emulated vCPUs of one unit of capacity (instance, task,
	// environment), to turn measured CPU % into CPU-seconds per request.
	UnitVCPU float64
	// UnitHourly is the price of one unit of capacity per hour (instance, task); 0 for
	// pay-per-request platforms.
	UnitHourly float64
	// FixedHourly is the capacity-independent hourly price (ALB hour).
	FixedHourly float64
	// Fixed marks a platform whose capacity never changes (a single instance): its
	// monthly cost is its hourly price, whatever the traffic.
	Fixed bool
	// Projection names the platform in the cost projection (monthly cost and break-even)
	// and ProjOptions carries its sizing (instance type, task size, Lambda memory).
	Projection  projection.Platform
	ProjOptions projection.Options
}

// Factory builds a platform of one kind from its scenario settings section. Errors about
// settings must name the field (relative to the section) and the fix.
type Factory func(name string, settings *yaml.Node, d Deps) (*Built, error)

var factories = map[string]Factory{}

// Register makes a platform kind runnable; platform wiring files call it from init.
func Register(kind string, f Factory) { factories[kind] = f }

// Kinds lists the platform kinds that can run now.
func Kinds() []string {
	var ks []string
	for k := range factories {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func factoryFor(kind string) (Factory, error) {
	f, ok := factories[kind]
	if !ok {
		return nil, fmt.Errorf("kind %q is not implemented yet in this build (runnable: %s)", kind, strings.Join(Kinds(), ", "))
	}
	return f, nil
}
