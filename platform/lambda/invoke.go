package lambda

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/apigw"
)

// Function is the live invocation path: it takes an environment from the Pool and
// forwards the request over HTTP to the environment's app (what the Lambda Web Adapter
// does inside a real environment), within the function timeout. It implements
// apigw.Integration. The simulator does not use it: it holds environments from the
// Pool for modelled service times instead.
type Function struct {
	pool       *Pool
	clock      platform.Clock
	timeout    time.Duration
	maxPayload int64
	mode       InvokeMode
	transport  *http.Transport
	client     *http.Client
}

var _ apigw.Integration = (*Function)(nil)

// NewFunction returns the invocation path over pool with the function timeout and the
// response payload limit (6 MB: Lambda's synchronous limit).
func NewFunction(pool *Pool, clock platform.Clock, timeout time.Duration, maxPayload int64) *Function {
	tr := &http.Transport{
		Proxy: nil, MaxIdleConnsPerHost: 1, IdleConnTimeout: 90 * time.Second, DisableCompression: true,
		ResponseHeaderTimeout: 0, // the function timeout governs
	}
	return &Function{
		pool: pool, clock: clock, timeout: timeout, maxPayload: maxPayload, transport: tr,
		client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// hopHeaders are connection-level headers a proxy does not forward.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length"}

// Invoke runs one invocation: Acquire (maybe a cold start), the request to the app
// within the function timeout, Release with the measured duration. Errors are
// *ThrottleError (→ 429) or *FunctionError (→ 502).
func (f *Function) Invoke(ctx context.Context, req *apigw.Request) (*apigw.Response, error) {
	env, err := f.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	ictx, cancel := context.WithCancel(ctx)
	defer cancel()
	var timedOut atomic.Bool
	t := f.clock.AfterFunc(f.timeout, func() {
		timedOut.Store(true)
		cancel()
	})
	start := f.clock.Now()
	forward := f.forward
	if f.mode == InvokeRuntimeAPI {
		forward = f.forwardRuntimeAPI
	}
	resp, outcome, err := forward(ictx, env, req)
	t.Stop()
	d := f.clock.Now().Sub(start)
	if timedOut.Load() {
		d, outcome = f.timeout, TimedOut
		err = &FunctionError{Msg: fmt.Sprintf("Task timed out after %.2f seconds", f.timeout.Seconds())}
		resp = nil
	}
	f.pool.Release(env, d, outcome)
	return resp, err
}

// forward sends req to the environment's app and reads the whole answer.
func (f *Function) forward(ctx context.Context, env *Env, req *apigw.Request) (*apigw.Response, Outcome, error) {
	hreq, err := http.NewRequestWithContext(ctx, req.Method, "http://"+env.Addr()+req.URI, bytes.NewReader(req.Body))
	if err != nil {
		return nil, Failed, &FunctionError{Msg: "bad request", Err: err}
	}
	hreq.Header = req.Header.Clone()
	if hreq.Header == nil {
		hreq.Header = http.Header{}
	}
	for _, h := range hopHeaders {
		hreq.Header.Del(h)
	}
	hreq.ContentLength = int64(len(req.Body))
	resp, err := f.client.Do(hreq)
	if err != nil {
		return nil, Crashed, &FunctionError{Msg: "Runtime.ExitError: the app did not answer", Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxPayload+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, TimedOut, err
		}
		return nil, Crashed, &FunctionError{Msg: "Runtime.ExitError: the app broke off its answer", Err: err}
	}
	if int64(len(body)) > f.maxPayload {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, Failed, &FunctionError{Msg: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes)", f.maxPayload)}
	}
	h := resp.Header.Clone()
	for _, k := range hopHeaders {
		h.Del(k)
	}
	return &apigw.Response{Status: resp.StatusCode, Header: h, Body: body}, Succeeded, nil
}

// Close drops idle connections to environments.
func (f *Function) Close() { f.transport.CloseIdleConnections() }
