package lambda

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/deploybench/deploybench/platform/apigw"
)

// InvokeMode is how the function's environments are invoked.
type InvokeMode int

const (
	// InvokeHTTP forwards the request to the environment's HTTP server (the Lambda Web
	// Adapter model): the default.
	InvokeHTTP InvokeMode = iota
	// InvokeRuntimeAPI posts an API Gateway HTTP API (payload format 2.0) event to the
	// environment's Runtime Interface Emulator, which hands it to a Lambda handler over
	// the Runtime API, and maps the handler's result back to an HTTP answer as API
	// Gateway does.
	InvokeRuntimeAPI
)

// InvokePath is where the Runtime Interface Emulator takes invocations (the Lambda
// Invoke API's path, for the one function it emulates).
const InvokePath = "/2015-03-31/functions/function/invocations"

// forwardRuntimeAPI invokes a handler behind the emulator with req as a v2.0 event.
func (f *Function) forwardRuntimeAPI(ctx context.Context, env *Env, req *apigw.Request) (*apigw.Response, Outcome, error) {
	id := requestID()
	ev, err := apiEvent(req, f.clock.Now(), id)
	if err != nil {
		return nil, Failed, &FunctionError{Msg: "bad request", Err: err}
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+env.Addr()+InvokePath, bytes.NewReader(ev))
	if err != nil {
		return nil, Failed, &FunctionError{Msg: "bad request", Err: err}
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("X-Amzn-RequestId", id)
	resp, err := f.client.Do(hreq)
	if err != nil {
		return nil, Crashed, &FunctionError{Msg: "Runtime.ExitError: the runtime interface emulator did not answer", Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxPayload+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, TimedOut, err
		}
		return nil, Crashed, &FunctionError{Msg: "Runtime.ExitError: the emulator broke off its answer", Err: err}
	}
	if int64(len(body)) > f.maxPayload {
		return nil, Failed, &FunctionError{Msg: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes)", f.maxPayload)}
	}
	if resp.StatusCode != http.StatusOK {
		// The emulator's own failures: INIT or the invocation failed (502), it timed out
		// (504). The environment is not to be trusted after either.
		return nil, Crashed, &FunctionError{Msg: fmt.Sprintf("Runtime.ExitError: emulator answered %d: %s", resp.StatusCode, oneLineBody(body))}
	}
	out, err := apiResponse(body)
	if err != nil {
		return nil, Succeeded, err
	}
	return out, Succeeded, nil
}

// requestID is a fresh invocation ID, like Lambda's request IDs.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// apiEvent is the API Gateway HTTP API event (payload format 2.0) for req, as API
// Gateway builds it for a Lambda proxy integration on the $default route and stage:
// header names lower-cased and repeated values joined with commas, cookies apart, query
// parameters joined with commas, a binary body base64-encoded. Source: [doc]
// apigateway/latest/developerguide/http-api-develop-integrations-lambda.html.
func apiEvent(req *apigw.Request, now time.Time, id string) ([]byte, error) {
	u, err := url.ParseRequestURI(req.URI)
	if err != nil {
		return nil, fmt.Errorf("request URI %q: %w", req.URI, err)
	}
	e := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: u.EscapedPath(), RawQueryString: u.RawQuery,
		Headers: map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: "$default", AccountID: "123456789012", Stage: "$default", RequestID: id,
			APIID: "local", DomainName: "127.0.0.1", DomainPrefix: "127",
			Time: now.UTC().Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: req.Method, Path: u.Path, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1",
				UserAgent: req.Header.Get("User-Agent"),
			},
		},
	}
	for k, vs := range req.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range vs {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						e.Cookies = append(e.Cookies, c)
					}
				}
			}
			continue
		}
		e.Headers[lk] = strings.Join(vs, ",")
	}
	if q := u.Query(); len(q) > 0 {
		e.QueryStringParameters = make(map[string]string, len(q))
		for k, vs := range q {
			e.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	if len(req.Body) > 0 {
		if isText(req.Header.Get("Content-Type"), req.Body) {
			e.Body = string(req.Body)
		} else {
			e.Body, e.IsBase64Encoded = base64.StdEncoding.EncodeToString(req.Body), true
		}
	}
	return json.Marshal(e)
}

// isText reports whether a body goes into the event as text: valid UTF-8 with no content
// type or a textual one (text/*, JSON, XML, form data, JavaScript).
func isText(contentType string, body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "json") || strings.HasSuffix(mt, "xml") ||
		mt == "application/x-www-form-urlencoded" || mt == "application/javascript"
}

// apiResponse maps a handler's result to the HTTP answer as API Gateway does with
// payload format 2.0: an object with statusCode gives its status, headers, cookies and
// (maybe base64) body; any other valid JSON is a 200 application/json answer whose body
// is that JSON. An error object ({"errorMessage", "errorType"}: the handler returned an
// error) or a result that is not JSON is a *FunctionError. Source: [doc] as apiEvent.
func apiResponse(result []byte) (*apigw.Response, error) {
	result = bytes.TrimSpace(result)
	if !json.Valid(result) {
		return nil, &FunctionError{Msg: "the handler's result is not JSON: " + oneLineBody(result)}
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(result, &keys) == nil {
		if _, ok := keys["statusCode"]; ok {
			return proxyResponse(result)
		}
		if _, ok := keys["errorMessage"]; ok {
			if _, ok := keys["errorType"]; ok {
				var fe struct {
					Message string `json:"errorMessage"`
					Type    string `json:"errorType"`
				}
				_ = json.Unmarshal(result, &fe)
				return nil, &FunctionError{Msg: "Unhandled: " + fe.Type + ": " + fe.Message}
			}
		}
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &apigw.Response{Status: http.StatusOK, Header: h, Body: slices.Clone(result)}, nil
}

// proxyResponse decodes a result that has a statusCode.
func proxyResponse(result []byte) (*apigw.Response, error) {
	var r events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(result, &r); err != nil {
		return nil, &FunctionError{Msg: "malformed Lambda proxy response: " + oneLineBody([]byte(err.Error()))}
	}
	if r.StatusCode < 100 || r.StatusCode > 599 {
		return nil, &FunctionError{Msg: "malformed Lambda proxy response: statusCode " + strconv.Itoa(r.StatusCode)}
	}
	h := http.Header{}
	for k, vs := range r.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	for _, c := range r.Cookies {
		h.Add("Set-Cookie", c)
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
	body := []byte(r.Body)
	if r.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return nil, &FunctionError{Msg: "malformed Lambda proxy response: body is not base64"}
		}
		body = b
	}
	return &apigw.Response{Status: r.StatusCode, Header: h, Body: body}, nil
}

// oneLineBody shortens an answer for an error message.
func oneLineBody(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
