package runner

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform/lambda"
	"github.com/deploybench/deploybench/pricing/billing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/scenario"
)

func init() { Register("lambda", buildLambda) }

func buildLambda(name string, settings *yaml.Node, d Deps) (*Built, error) {
	var cfg lambda.Config
	if err := decodeSettings(settings, &cfg); err != nil {
		return nil, err
	}
	if cfg.Timescale == 0 {
		cfg.Timescale = d.Timescale
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	invoke := lambda.InvokeHTTP
	if d.HandlerType == scenario.HandlerRuntimeAPI {
		// The image is a Lambda handler: each environment is its container behind the
		// Runtime Interface Emulator, invoked with API Gateway v2.0 events.
		rd, err := lambdaRIEDeps(d, cfg)
		if err != nil {
			return nil, err
		}
		d = rd
		invoke = lambda.InvokeRuntimeAPI
	}
	w, err := liveWorld(name, d)
	if err != nil {
		return nil, err
	}
	p, err := lambda.New(cfg, lambda.Deps{Clock: w.Clock, Driver: w.Driver, OnEvent: d.OnEvent, Invoke: invoke})
	if err != nil {
		return nil, err
	}
	vcpu := cfg.VCPU()
	limit := cfg.ConcurrencyLimit()
	return &Built{Platform: lambdaPlatform{p}, Size: fmt.Sprintf("%d MB", cfg.MemoryMB),
		// Every concurrent execution environment gets its own CPU quota, so the host must
		// hold the concurrency limit's worth of them: set reserved_concurrency for a local
		// run.
		MaxVCPU: vcpu * float64(limit), MaxVCPUHint: "lower the function's reserved_concurrency",
		UnitVCPU: vcpu, PerRequest: true,
		Projection: projection.Lambda, ProjOptions: projection.Options{LambdaMemoryMB: cfg.MemoryMB, LambdaArch: cfg.Arch, API: billing.APIKind(cfg.API.Kind)}}, nil
}

// noter is a platform with platform-specific facts for the report.
type noter interface{ notes() []string }

// lambdaPlatform adds Lambda's own figures (INIT, concurrency, throttles) to the report.
type lambdaPlatform struct{ *lambda.Platform }

func (l lambdaPlatform) notes() []string {
	st, m := l.Stats(), l.Meter()
	return []string{fmt.Sprintf("function so far: cold starts %d (INIT p50 %s, max %s), warm invocations %d, peak concurrency %d, throttles %d, timeouts %d",
		st.ColdStarts, st.InitP50.Round(time.Millisecond), st.InitMax.Round(time.Millisecond), warmInvocations(m),
		st.PeakConcurrency, st.Throttles, st.Timeouts)}
}

// warmInvocations counts the invocations an already initialised environment served:
// every cold start is exactly one billed invocation (its INIT's, failed or not), so the
// rest, provisioned ones included, found a warm environment.
func warmInvocations(m lambda.Meter) int64 {
	return max(0, m.Invocations+m.ProvisionedInvocations-m.ColdStarts)
}
