package apigw

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
)

// startServer runs a Server for cfg over integ on a fake clock and closes it at the end.
func startServer(t *testing.T, cfg Config, integ Integration) (*Server, *clocktest.Clock, *[]string) {
	t.Helper()
	clock := clocktest.New(t0)
	var mu sync.Mutex
	var rejects []string
	s, err := NewServer(NewGateway(cfg), integ, ServerOptions{Clock: clock, OnReject: func(r string) {
		mu.Lock()
		rejects = append(rejects, r)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, clock, &rejects
}

func do(t *testing.T, method, url string, body []byte) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func echo(ctx context.Context, r *Request) (*Response, error) {
	h := http.Header{"X-Echo": {r.Method + " " + r.URI}}
	return &Response{Status: 200, Header: h, Body: append([]byte("got:"), r.Body...)}, nil
}

func TestServerForwards(t *testing.T) {
	s, _, _ := startServer(t, Config{}, IntegrationFunc(echo))
	code, body, h := do(t, "POST", s.URL()+"/predict?x=1", []byte("digit"))
	if code != 200 || body != "got:digit" || h.Get("X-Echo") != "POST /predict?x=1" {
		t.Errorf("got %d %q echo %q", code, body, h.Get("X-Echo"))
	}
	if st := s.gw.Stats(); st.Forwarded != 1 || st.Billed != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestServerRejects(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		integ  IntegrationFunc
		body   []byte
		calls  int
		want   int
		reason string
	}{
		{"payload too large", Config{MaxPayload: 10}, echo, bytes.Repeat([]byte("x"), 11), 1, 413, "payload_too_large"},
		{"account throttle", Config{ThrottleRate: 0.001, ThrottleBurst: 1}, echo, nil, 2, 429, "throttled"},
		{"lambda throttle", Config{}, func(context.Context, *Request) (*Response, error) {
			return nil, fmt.Errorf("rate exceeded: %w", ErrThrottled)
		}, nil, 1, 429, "lambda_throttled"},
		{"function error", Config{}, func(context.Context, *Request) (*Response, error) {
			return nil, fmt.Errorf("Task timed out after 3.00 seconds: %w", ErrFunction)
		}, nil, 1, 502, "function_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, rejects := startServer(t, tt.cfg, tt.integ)
			var code int
			var body string
			var h http.Header
			for i := 0; i < tt.calls; i++ {
				code, body, h = do(t, "POST", s.URL()+"/", tt.body)
			}
			if code != tt.want || !strings.Contains(body, "message") {
				t.Errorf("last answer %d %q, want %d with a message", code, body, tt.want)
			}
			if tt.reason == "lambda_throttled" && h.Get("X-Amzn-Errortype") != "TooManyRequestsException" {
				t.Errorf("x-amzn-ErrorType %q", h.Get("X-Amzn-Errortype"))
			}
			if r := *rejects; len(r) == 0 || r[len(r)-1] != tt.reason {
				t.Errorf("rejects %v, want last %q", r, tt.reason)
			}
		})
	}
}

// The integration timeout answers 504 while the function runs on; Close waits for it.
func TestServerIntegrationTimeout(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan struct{})
	s, clock, _ := startServer(t, Config{Timeout: 29 * time.Second}, IntegrationFunc(func(ctx context.Context, r *Request) (*Response, error) {
		<-release
		if ctx.Err() != nil {
			t.Error("the invocation's context was cancelled by the gateway")
		}
		close(finished)
		return &Response{Status: 200}, nil
	}))
	got := make(chan int, 1)
	go func() {
		code, _, _ := do(t, "GET", s.URL()+"/slow", nil)
		got <- code
	}()
	deadline := time.Now().Add(5 * time.Second)
	for clock.Pending() == 0 { // the request is waiting on its integration timer
		if time.Now().After(deadline) {
			t.Fatal("request never reached the integration")
		}
		time.Sleep(time.Millisecond)
	}
	clock.Advance(29*time.Second - time.Millisecond)
	select {
	case c := <-got:
		t.Fatalf("answered %d before the timeout", c)
	default:
	}
	clock.Advance(time.Millisecond)
	if c := <-got; c != 504 {
		t.Errorf("status %d, want 504", c)
	}
	close(release)
	<-finished
	if st := s.gw.Stats(); st.IntegrationTimeouts != 1 || st.Billed != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestNewServerNeedsIntegration(t *testing.T) {
	if _, err := NewServer(NewGateway(Config{}), nil, ServerOptions{}); err == nil {
		t.Error("NewServer without an integration succeeded")
	}
}
