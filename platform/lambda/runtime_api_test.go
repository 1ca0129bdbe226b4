package lambda

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/apigw"
	"github.com/deploybench/deploybench/platform/fleet"
)

func TestAPIEvent(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		req   apigw.Request
		check func(t *testing.T, e events.APIGatewayV2HTTPRequest)
	}{
		{"get with query and cookies", apigw.Request{Method: "GET", URI: "/a/b%20c?x=1&x=2&y=",
			Header: http.Header{"User-Agent": {"ua"}, "X-Multi": {"1", "2"}, "Cookie": {"a=1; b=2"}}},
			func(t *testing.T, e events.APIGatewayV2HTTPRequest) {
				if e.Version != "2.0" || e.RouteKey != "$default" || e.RawPath != "/a/b%20c" || e.RawQueryString != "x=1&x=2&y=" {
					t.Errorf("event %+v", e)
				}
				if e.RequestContext.HTTP.Method != "GET" || e.RequestContext.HTTP.Path != "/a/b c" || e.RequestContext.HTTP.UserAgent != "ua" {
					t.Errorf("http %+v", e.RequestContext.HTTP)
				}
				if e.Headers["x-multi"] != "1,2" || e.Headers["user-agent"] != "ua" || e.Headers["cookie"] != "" {
					t.Errorf("headers %v", e.Headers)
				}
				if len(e.Cookies) != 2 || e.Cookies[0] != "a=1" || e.Cookies[1] != "b=2" {
					t.Errorf("cookies %v", e.Cookies)
				}
				if e.QueryStringParameters["x"] != "1,2" || e.QueryStringParameters["y"] != "" {
					t.Errorf("query %v", e.QueryStringParameters)
				}
				if e.RequestContext.RequestID != "id-1" || e.RequestContext.TimeEpoch != now.UnixMilli() || e.Body != "" || e.IsBase64Encoded {
					t.Errorf("context %+v body %q", e.RequestContext, e.Body)
				}
			}},
		{"json body as text", apigw.Request{Method: "POST", URI: "/p", Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Body: []byte(`{"a":1}`)},
			func(t *testing.T, e events.APIGatewayV2HTTPRequest) {
				if e.Body != `{"a":1}` || e.IsBase64Encoded {
					t.Errorf("body %q base64 %v", e.Body, e.IsBase64Encoded)
				}
			}},
		{"png body as base64", apigw.Request{Method: "POST", URI: "/predict", Header: http.Header{"Content-Type": {"image/png"}}, Body: []byte{0x89, 'P', 'N', 'G', 0}},
			func(t *testing.T, e events.APIGatewayV2HTTPRequest) {
				b, err := base64.StdEncoding.DecodeString(e.Body)
				if !e.IsBase64Encoded || err != nil || string(b) != "\x89PNG\x00" {
					t.Errorf("body %q base64 %v", e.Body, e.IsBase64Encoded)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := apiEvent(&tt.req, now, "id-1")
			if err != nil {
				t.Fatal(err)
			}
			var e events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatal(err)
			}
			tt.check(t, e)
		})
	}
	if _, err := apiEvent(&apigw.Request{Method: "GET", URI: "no-slash"}, now, "id"); err == nil {
		t.Error("a relative URI made an event")
	}
}

func TestAPIResponse(t *testing.T) {
	tests := []struct {
		name, result string
		status       int
		header       map[string]string
		body         string
		fnErr        string // a *FunctionError containing this
	}{
		{"proxy", `{"statusCode":201,"headers":{"X-A":"1"},"cookies":["c=1","d=2"],"body":"hi"}`, 201, map[string]string{"X-A": "1"}, "hi", ""},
		{"proxy base64", `{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, 200, nil, "hi", ""},
		{"multi headers", `{"statusCode":200,"multiValueHeaders":{"X-M":["a","b"]},"body":""}`, 200, map[string]string{"X-M": "a"}, "", ""},
		{"plain json object", ` {"path":"/plain"} `, 200, map[string]string{"Content-Type": "application/json"}, `{"path":"/plain"}`, ""},
		{"plain json string", `"hello"`, 200, map[string]string{"Content-Type": "application/json"}, `"hello"`, ""},
		{"handler error", `{"errorMessage":"boom","errorType":"errorString"}`, 0, nil, "", "Unhandled: errorString: boom"},
		{"not json", `hello`, 0, nil, "", "not JSON"},
		{"bad status", `{"statusCode":42}`, 0, nil, "", "statusCode 42"},
		{"bad base64", `{"statusCode":200,"body":"%%","isBase64Encoded":true}`, 0, nil, "", "not base64"},
		{"bad field type", `{"statusCode":"200"}`, 0, nil, "", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := apiResponse([]byte(tt.result))
			if tt.fnErr != "" {
				var fe *FunctionError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.fnErr) {
					t.Fatalf("err = %v, want a function error with %q", err, tt.fnErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status || string(r.Body) != tt.body {
				t.Errorf("got %d %q, want %d %q", r.Status, r.Body, tt.status, tt.body)
			}
			for k, v := range tt.header {
				if r.Header.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, r.Header.Get(k), v)
				}
			}
			if tt.name == "proxy" && len(r.Header.Values("Set-Cookie")) != 2 {
				t.Errorf("cookies %v", r.Header.Values("Set-Cookie"))
			}
		})
	}
}

func FuzzAPIResponse(f *testing.F) {
	f.Add([]byte(`{"statusCode":201,"headers":{"X-A":"1"},"body":"hi"}`))
	f.Add([]byte(`{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`))
	f.Add([]byte(`{"errorMessage":"boom","errorType":"x"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`nope`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := apiResponse(b)
		if err != nil {
			var fe *FunctionError
			if !errors.As(err, &fe) {
				t.Fatalf("%q: error %v is not a *FunctionError", b, err)
			}
			return
		}
		if r.Status < 100 || r.Status > 599 {
			t.Fatalf("%q: status %d", b, r.Status)
		}
	})
}

// addrMachine is a machine reachable at addr; the invocation path needs nothing else.
type addrMachine struct {
	fleet.Machine
	addr string
}

func (m addrMachine) Addr() string { return m.addr }

// TestForwardRuntimeAPI drives the invocation path against a stand-in emulator on
// 127.0.0.1 that echoes the event it received as a proxy response.
func TestForwardRuntimeAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != InvokePath || r.Header.Get("X-Amzn-RequestId") == "" {
			http.Error(w, "wrong invocation", http.StatusNotFound)
			return
		}
		var e events.APIGatewayV2HTTPRequest
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &e); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch e.RawPath {
		case "/error":
			io.WriteString(w, `{"errorMessage":"boom","errorType":"errorString"}`)
		case "/emulator-fails":
			http.Error(w, "init failed", http.StatusBadGateway)
		default:
			json.NewEncoder(w).Encode(events.APIGatewayV2HTTPResponse{StatusCode: 202, Headers: map[string]string{"X-Path": e.RawPath},
				Body: e.RequestContext.HTTP.Method + " " + e.Body})
		}
	}))
	defer srv.Close()
	f := NewFunction(nil, platform.WallClock{}, time.Second, 6<<20)
	f.mode = InvokeRuntimeAPI
	defer f.Close()
	env := &Env{id: "lambda-1", machine: addrMachine{addr: strings.TrimPrefix(srv.URL, "http://")}}
	ctx := context.Background()

	r, o, err := f.forwardRuntimeAPI(ctx, env, &apigw.Request{Method: "PUT", URI: "/x?q=1", Header: http.Header{}, Body: []byte("body")})
	if err != nil || o != Succeeded || r.Status != 202 || string(r.Body) != "PUT body" || r.Header.Get("X-Path") != "/x" {
		t.Errorf("got %+v, %v, %v", r, o, err)
	}
	_, o, err = f.forwardRuntimeAPI(ctx, env, &apigw.Request{Method: "GET", URI: "/error", Header: http.Header{}})
	var fe *FunctionError
	if !errors.As(err, &fe) || o != Succeeded {
		t.Errorf("handler error: %v, outcome %v; want a function error, the environment kept", err, o)
	}
	_, o, err = f.forwardRuntimeAPI(ctx, env, &apigw.Request{Method: "GET", URI: "/emulator-fails", Header: http.Header{}})
	if !errors.As(err, &fe) || o != Crashed {
		t.Errorf("emulator failure: %v, outcome %v; want a function error, the environment discarded", err, o)
	}
	srv.Close()
	_, o, err = f.forwardRuntimeAPI(ctx, env, &apigw.Request{Method: "GET", URI: "/", Header: http.Header{}})
	if !errors.As(err, &fe) || o != Crashed {
		t.Errorf("emulator gone: %v, outcome %v; want Crashed", err, o)
	}
}
