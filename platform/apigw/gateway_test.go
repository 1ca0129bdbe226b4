package apigw

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestGatewayAdmit(t *testing.T) {
	g := NewGateway(Config{ThrottleRate: 2, ThrottleBurst: 2, MaxPayload: 100})
	steps := []struct {
		at     time.Duration
		size   int64
		status int
	}{
		{0, 10, 0},
		{0, 10, 0},
		{0, 10, 429},                       // burst used up
		{500 * time.Millisecond, 101, 413}, // one token back, spent on a request too large
		{500 * time.Millisecond, 10, 429},
		{time.Second, 10, 0},
	}
	for i, s := range steps {
		v := g.Admit(t0.Add(s.at), s.size)
		if v.Forward != (s.status == 0) || v.Status != s.status {
			t.Errorf("step %d: verdict %+v, want status %d", i, v, s.status)
		}
	}
	st := g.Stats()
	want := Stats{Received: 6, Throttled: 2, TooLarge: 1, Forwarded: 3, Billed: 3}
	if st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

func TestBilledUnits(t *testing.T) {
	tests := []struct {
		kind string
		size int64
		want int64
	}{
		{KindHTTP, 0, 1},
		{KindHTTP, 512 << 10, 1},
		{KindHTTP, 512<<10 + 1, 2},
		{KindHTTP, 1200 << 10, 3}, // the pricing page's 1.2 MB example
		{KindREST, 5 << 20, 1},
	}
	for _, tt := range tests {
		if got := BilledUnits(tt.kind, tt.size); got != tt.want {
			t.Errorf("BilledUnits(%s, %d) = %d, want %d", tt.kind, tt.size, got, tt.want)
		}
	}
}

func TestGatewayOutcome(t *testing.T) {
	ok := &Response{Status: 201}
	tests := []struct {
		name      string
		cfg       Config
		resp      *Response
		err       error
		timedOut  bool
		want      int
		wantCause string
	}{
		{"success passes the status through", Config{}, ok, nil, false, 201, ""},
		{"integration timeout", Config{}, nil, nil, true, 504, "integration_timeout"},
		{"timeout wins over a late result", Config{}, ok, nil, true, 504, "integration_timeout"},
		{"lambda throttle", Config{}, nil, fmt.Errorf("lambda: %w", ErrThrottled), false, 429, "lambda_throttled"},
		{"lambda throttle unmapped", Config{LambdaThrottleStatus: 500}, nil, ErrThrottled, false, 500, "lambda_throttled"},
		{"function timeout", Config{}, nil, fmt.Errorf("task timed out: %w", ErrFunction), false, 502, "function_error"},
		{"other failure", Config{}, nil, errors.New("boom"), false, 500, "internal_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGateway(tt.cfg)
			got, cause := g.Outcome(tt.resp, tt.err, tt.timedOut)
			if got != tt.want || cause != tt.wantCause {
				t.Errorf("Outcome = %d %q, want %d %q", got, cause, tt.want, tt.wantCause)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg     Config
		wantErr string
	}{
		{Config{}, ""},
		{Config{Kind: KindREST, Timeout: 60 * time.Second}, ""},
		{Config{Kind: "websocket"}, "api.kind"},
		{Config{ThrottleRate: -1}, "api.throttle_rate"},
		{Config{ThrottleBurst: -5}, "api.throttle_burst"},
		{Config{Timeout: 31 * time.Second}, "api.timeout"},
		{Config{Timeout: time.Millisecond}, "api.timeout"},
		{Config{MaxPayload: -1}, "api.max_payload"},
		{Config{LambdaThrottleStatus: 503}, "api.lambda_throttle_status"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate("api")
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tt.cfg, err)
		case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr+":")):
			t.Errorf("%+v: error %v, want one naming %s", tt.cfg, err, tt.wantErr)
		}
	}
	if d := (Config{Kind: KindREST}).WithDefaults().Timeout; d != 29*time.Second {
		t.Errorf("REST default timeout %v, want 29s", d)
	}
	if d := (Config{}).WithDefaults().Timeout; d != 30*time.Second {
		t.Errorf("HTTP API default timeout %v, want 30s", d)
	}
}

func BenchmarkGatewayAdmit(b *testing.B) {
	g := NewGateway(Config{})
	now := t0
	for i := 0; i < b.N; i++ {
		now = now.Add(100 * time.Microsecond)
		g.Admit(now, 512)
	}
}
