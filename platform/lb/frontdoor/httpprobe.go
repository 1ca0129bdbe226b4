package frontdoor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/deploybench/deploybench/platform/lb"
)

// HTTPProber checks live targets with an HTTP GET of the health-check path, as ALB does.
// A status the matcher rejects is lb.ErrCodeMismatch; a transport error (refused, reset,
// malformed response) is a plain failure; no answer before the deadline is a timeout.
type HTTPProber struct {
	path    string
	matcher lb.Matcher
	client  *http.Client
}

// NewHTTPProber returns a prober for cfg's health-check path and matcher. Its HTTP
// client gives up after the (compressed) health-check timeout on the wall clock as well,
// so a probe cannot hang even under a clock that does not move by itself.
func NewHTTPProber(cfg lb.Config) (*HTTPProber, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	full := cfg.WithDefaults()
	m, err := lb.ParseMatcher(full.HealthCheck.Matcher)
	if err != nil {
		return nil, err
	}
	// Like an ALB node, open a fresh connection per check and close it afterwards.
	tr := &http.Transport{DisableKeepAlives: true, Proxy: nil}
	return &HTTPProber{
		path:    full.HealthCheck.Path,
		matcher: m,
		client:  &http.Client{Transport: tr, Timeout: cfg.EffectiveTimeout()},
	}, nil
}

// Probe GETs http://<target addr><path>.
func (p *HTTPProber) Probe(ctx context.Context, t lb.Target) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+t.Addr+p.path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "ELB-HealthChecker/2.0")
	start := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		var ne net.Error
		if ctx.Err() != nil || errors.As(err, &ne) && ne.Timeout() {
			return fmt.Errorf("%w after %v", lb.ErrProbeTimeout, time.Since(start).Round(time.Millisecond))
		}
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if !p.matcher.Match(resp.StatusCode) {
		return fmt.Errorf("%w: got %d, want %s", lb.ErrCodeMismatch, resp.StatusCode, p.matcher)
	}
	return nil
}
