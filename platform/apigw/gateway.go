package apigw

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// Verdict is the gateway's decision about one received request.
type Verdict struct {
	// Forward is true when the request goes to the integration.
	Forward bool
	// Status is the answer when it does not (429 throttled, 413 too large).
	Status int
	// Reason is a short machine-readable cause: "throttled", "payload_too_large".
	Reason string
}

// Stats counts what the gateway saw.
type Stats struct {
	// Received counts every request that reached the gateway.
	Received int64 `json:"received"`
	// Throttled counts requests refused by the account throttle (429, not billed).
	Throttled int64 `json:"throttled"`
	// TooLarge counts requests refused for their payload size (413, not billed).
	TooLarge int64 `json:"too_large"`
	// Forwarded counts requests handed to the integration.
	Forwarded int64 `json:"forwarded"`
	// Billed counts billed API requests: forwarded requests, HTTP API ones in 512 KB
	// increments.
	Billed int64 `json:"billed"`
	// IntegrationTimeouts counts 504s; FunctionErrors 502s; LambdaThrottles refusals by
	// the function; ServerErrors other 500s.
	IntegrationTimeouts int64 `json:"integration_timeouts"`
	FunctionErrors      int64 `json:"function_errors"`
	LambdaThrottles     int64 `json:"lambda_throttles"`
	ServerErrors        int64 `json:"server_errors"`
}

// Gateway is the pure decision core of API Gateway: it admits or refuses requests and
// maps integration outcomes to status codes, counting everything billing and reports
// need. Time is passed in, so live servers and the simulator share it. Safe for
// concurrent use.
type Gateway struct {
	cfg Config

	mu     sync.Mutex
	bucket TokenBucket
	stats  Stats
}

// NewGateway returns a gateway for cfg (defaults applied; call cfg.Validate first).
func NewGateway(cfg Config) *Gateway {
	cfg = cfg.WithDefaults()
	return &Gateway{cfg: cfg, bucket: NewTokenBucket(cfg.ThrottleRate, cfg.ThrottleBurst)}
}

// Config returns the configuration with defaults applied.
func (g *Gateway) Config() Config { return g.cfg }

// Admit decides about a request of bodyBytes received at now. Throttling comes first:
// a throttled request is refused before API Gateway looks at it further.
func (g *Gateway) Admit(now time.Time, bodyBytes int64) Verdict {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stats.Received++
	if !g.bucket.Allow(now) {
		g.stats.Throttled++
		return Verdict{Status: http.StatusTooManyRequests, Reason: "throttled"}
	}
	if bodyBytes > g.cfg.MaxPayload {
		g.stats.TooLarge++
		return Verdict{Status: http.StatusRequestEntityTooLarge, Reason: "payload_too_large"}
	}
	g.stats.Forwarded++
	g.stats.Billed += BilledUnits(g.cfg.Kind, bodyBytes)
	return Verdict{Forward: true}
}

// BilledUnits is how many API requests one forwarded request of bodyBytes is billed as:
// HTTP APIs meter in 512 KB increments, REST APIs count 1. API Gateway does not bill
// requests it throttles; it bills those that reach the integration, even when the
// function then throttles. Source: [3p] AWS answer on repost.aws ("Does AWS charge for
// throttled requests?", 2020).
func BilledUnits(kind string, bodyBytes int64) int64 {
	if kind != KindHTTP || bodyBytes <= HTTPMeteringIncrement {
		return 1
	}
	return (bodyBytes + HTTPMeteringIncrement - 1) / HTTPMeteringIncrement
}

// Outcome maps how an integration call ended to the status API Gateway answers, and
// counts it: timedOut → 504; ErrThrottled → the configured Lambda throttle status (429
// by default); ErrFunction → 502; any other error → 500; otherwise the integration's own
// status.
func (g *Gateway) Outcome(resp *Response, err error, timedOut bool) (status int, reason string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case timedOut:
		g.stats.IntegrationTimeouts++
		return http.StatusGatewayTimeout, "integration_timeout"
	case errors.Is(err, ErrThrottled):
		g.stats.LambdaThrottles++
		return g.cfg.LambdaThrottleStatus, "lambda_throttled"
	case errors.Is(err, ErrFunction):
		g.stats.FunctionErrors++
		return http.StatusBadGateway, "function_error"
	case err != nil || resp == nil:
		g.stats.ServerErrors++
		return http.StatusInternalServerError, "internal_error"
	}
	return resp.Status, ""
}

// Stats returns the counters so far.
func (g *Gateway) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stats
}
