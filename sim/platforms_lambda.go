package sim

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform/apigw"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/lambda"
	"github.com/deploybench/deploybench/pricing/billing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/deploybench/deploybench/scenario"
)

// Lambda runs its live model unchanged: the pool of execution environments (admission,
// the concurrency limit and scaling rate, cold starts with the platform init and the
// app's start, keep-alive and reclaim, provisioned concurrency, metering) with the
// simulator's EventDriver, so every environment is a modelled machine, and the API
// Gateway's own admission (throttle, payload limit, billed requests). The HTTP API is
// not opened: the router admits each request with Gateway.Admit, takes an environment
// with Pool.AcquireFunc and gives it back with Pool.Release when the machine has served
// it.

// lambdaRoute is what the router needs of a Lambda platform.
type lambdaRoute struct {
	p       *lambda.Platform
	pool    *lambda.Pool
	gw      *apigw.Gateway
	timeout int64 // the function timeout (ns)
	// apiBilled counts the API requests of aggregated mode, which admits in bulk.
	apiBilled int64
}

func buildLambda(sp scenario.Platform, timescale float64, w fleet.World) (*Built, error) {
	var cfg lambda.Config
	if err := decode(&sp.Settings, &cfg); err != nil {
		return nil, err
	}
	if cfg.Timescale == 0 {
		cfg.Timescale = timescale
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p, err := lambda.New(cfg, lambda.Deps{Clock: w.Clock, Driver: w.Driver, OnEvent: w.OnEvent, NoServer: true})
	if err != nil {
		return nil, err
	}
	return &Built{Platform: p, Size: fmt.Sprintf("%d MB", cfg.MemoryMB), UnitVCPU: cfg.VCPU(),
		Lambda:     &lambdaRoute{p: p, pool: p.Pool(), gw: p.Gateway(), timeout: int64(cfg.Timeout)},
		Serverless: true, Initial: cfg.ProvisionedConcurrency,
		Projection: projection.Lambda, ProjOptions: projection.Options{LambdaMemoryMB: cfg.MemoryMB, LambdaArch: cfg.Arch, API: billing.APIKind(cfg.API.Kind)}}, nil
}

// sendLambda routes one request through API Gateway and the function's pool.
func (r *router) sendLambda(now int64, tag int32) {
	lr := r.lam
	if r.inflight >= r.maxIn {
		r.reject(now, tag)
		return
	}
	if v := lr.gw.Admit(r.eng.Now(), 0); !v.Forward {
		r.reject(now, tag)
		return
	}
	r.inflight++
	// The gateway's proxy adds door before the function. The rest of the latency beyond
	// the CPU work (HTTP stack and loopback, extra) is the gateway's invoke round trip to
	// the environment, which holds the environment: it follows the work (Done holds the
	// answer back by it) instead of being backdated like a load-balanced request's.
	w, extra := r.drawRequest(now)
	arrived := now - r.door
	lr.pool.AcquireFunc(func(e *lambda.Env, err error) {
		if err != nil {
			r.inflight--
			lr.gw.Outcome(nil, err, false)
			r.reject(r.eng.Nanos(), tag)
			return
		}
		m := r.drv.byID[e.ID()]
		if m == nil { // cannot happen: every environment is a machine of this driver
			lr.pool.Release(e, 0, lambda.Crashed)
			r.inflight--
			r.reject(r.eng.Nanos(), tag)
			return
		}
		m.env, m.envAt, m.envExtra = e, r.eng.Nanos(), extra
		m.Arrive(w, arrived, tag)
	})
}

// doneLambda gives a machine's environment back after its request, billed for the time
// from the request reaching the function to its answer (the request's latency without
// the gateway's overhead or a cold start's wait) (cut at the function timeout, which
// discards the environment); it reports whether the function timed out.
func (r *router) doneLambda(m *Machine) (timedOut bool) {
	e := m.env
	m.env = nil
	d := r.eng.Nanos() - m.envAt
	o := lambda.Succeeded
	if d > r.lam.timeout {
		d, o, timedOut = r.lam.timeout, lambda.TimedOut, true
		r.lam.gw.Outcome(nil, &lambda.FunctionError{Msg: "timed out"}, false)
	}
	r.lam.pool.Release(e, time.Duration(d), o)
	return timedOut
}
