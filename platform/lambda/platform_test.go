package lambda

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/apigw"
	"github.com/deploybench/deploybench/platform/clocktest"
)

// API throttles are answered by the gateway, not billed, and folded into one event per
// second; the folded rest is flushed at Stop.
func TestPlatformAPIThrottleEvents(t *testing.T) {
	clock := clocktest.New(t0)
	var mu sync.Mutex
	var evs []platform.Event
	zero := time.Duration(0) // the fake clock does not move on its own
	p, err := New(Config{MemoryMB: 512, PlatformInit: &zero, API: apigw.Config{ThrottleRate: 0.001, ThrottleBurst: 1}},
		Deps{Clock: clock, Driver: &fakeDriver{clock: clock}, OnEvent: func(e platform.Event) {
			mu.Lock()
			evs = append(evs, e)
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.Kind() != "lambda" || !strings.HasPrefix(p.URL(), "http://127.0.0.1:") {
		t.Fatalf("kind %q url %q", p.Kind(), p.URL())
	}
	var codes []int
	for i := 0; i < 4; i++ {
		resp, err := http.Get(p.URL() + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	// The first request reaches the function, whose fake app cannot answer HTTP: 502.
	if want := []int{502, 429, 429, 429}; !equalInts(codes, want) {
		t.Errorf("statuses %v, want %v", codes, want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.Events() {
		if e.Kind == "api_throttle" {
			got = append(got, e.Detail)
		}
	}
	want := []string{"1 requests throttled by the API (429) (http API)", "2 requests throttled by the API (429) (http API)"}
	if !equalStrings(got, want) {
		t.Errorf("api_throttle events %q, want %q", got, want)
	}
	mu.Lock()
	n := len(evs)
	mu.Unlock()
	if n != len(p.Events()) {
		t.Errorf("OnEvent heard %d events, Events has %d", n, len(p.Events()))
	}
	u := p.Usage()
	if u.Requests != 1 || u.FrontDoor != "apigw-http" || u.Lambda.Invocations != 1 || u.Lambda.MemoryMB != 512 {
		t.Errorf("usage %+v lambda %+v", u, u.Lambda)
	}
	if err := p.Start(context.Background()); err == nil {
		t.Error("Start after Stop succeeded")
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := New(Config{}, Deps{}); err == nil || !strings.Contains(err.Error(), "driver") {
		t.Errorf("New without a driver: %v", err)
	}
	if _, err := New(Config{MemoryMB: 1}, Deps{Driver: &fakeDriver{}}); err == nil || !strings.HasPrefix(err.Error(), "lambda.memory_mb") {
		t.Errorf("New with a bad config: %v", err)
	}
	if got := (Config{MemoryMB: 3538, ReservedConcurrency: 10}).MaxVCPU(); got != 20 {
		t.Errorf("MaxVCPU %v, want 20", got)
	}
	if got := (Config{}).Size(); got != "128 MB x86_64" {
		t.Errorf("Size %q", got)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}
