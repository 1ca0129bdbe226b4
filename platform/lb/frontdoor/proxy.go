package frontdoor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform/lb"
)

// StatusClientClosed is the ALB status logged when the client closes the connection
// before the response is sent. Source: ELB user guide, load-balancer-troubleshooting.html
// (HTTP 460).
const StatusClientClosed = 460

// Proxy is the live ALB front door: an HTTP reverse proxy that asks a Balancer for a
// target per request. It answers 503 when no target can take the request, 502 when the
// target refuses or resets the connection, 504 when it does not answer in time, and
// forwards everything else. The Proxy owns the Balancer: Close stops both.
type Proxy struct {
	b   *lb.Balancer
	cfg Config

	rp        *httputil.ReverseProxy
	transport *http.Transport

	srv      *http.Server
	ln       net.Listener
	serveErr chan error
	// handlers counts ServeHTTP calls under way; hmu orders their Add against the Wait
	// in shutdown, after which draining is set and late arrivals are turned away.
	hmu      sync.Mutex
	draining bool
	handlers sync.WaitGroup

	closeMu sync.Mutex
	closed  bool
}

// NewProxy returns a proxy for b that is not yet listening; use it as an http.Handler
// or call Listen.
func NewProxy(b *lb.Balancer, cfg Config) (*Proxy, error) {
	if b == nil {
		return nil, errors.New("frontdoor: NewProxy: balancer is nil")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	p := &Proxy{b: b, cfg: cfg}
	p.transport = &http.Transport{
		Proxy:                 nil, // never an outbound HTTP proxy: targets are on loopback
		DialContext:           (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   1024, // ALB keeps many connections to each target
		IdleConnTimeout:       cfg.IdleTimeout,
		ResponseHeaderTimeout: cfg.TargetTimeout,
		DisableCompression:    true,
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:      p.rewrite,
		Transport:    p.transport,
		ErrorHandler: p.errorHandler,
		ErrorLog:     log.New(io.Discard, "", 0),
		BufferPool:   bufferPool{},
	}
	return p, nil
}

// Listen starts serving on cfg.Addr and returns the running proxy. The caller must Close
// it; health checks of the balancer keep running until then. If Listen fails, the
// balancer is left open for the caller to close.
func Listen(b *lb.Balancer, cfg Config) (*Proxy, error) {
	p, err := NewProxy(b, cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", p.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("frontdoor: listen on %s: %w (choose another addr, or 127.0.0.1:0 for any free port)", p.cfg.Addr, err)
	}
	p.ln = ln
	p.srv = &http.Server{
		Handler: p,
		// ALB closes a client connection that sends nothing for the idle timeout, also
		// before the first request.
		IdleTimeout:       p.cfg.IdleTimeout,
		ReadHeaderTimeout: p.cfg.IdleTimeout,
		ConnState:         p.connState,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	p.serveErr = make(chan error, 1)
	go func() { p.serveErr <- p.srv.Serve(ln) }()
	return p, nil
}

// Addr returns the address the proxy listens on, e.g. 127.0.0.1:41234.
func (p *Proxy) Addr() string {
	if p.ln == nil {
		return ""
	}
	return p.ln.Addr().String()
}

// URL returns the proxy's base URL.
func (p *Proxy) URL() string { return "http://" + p.Addr() }

// Balancer returns the balancer the proxy routes with.
func (p *Proxy) Balancer() *lb.Balancer { return p.b }

// Stats returns the balancer's counters, client connections included.
func (p *Proxy) Stats() lb.Stats { return p.b.Stats() }

func (p *Proxy) connState(_ net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		p.b.LCU().ConnOpened()
	case http.StateClosed, http.StateHijacked:
		p.b.LCU().ConnClosed()
	}
}

// reqState travels in the request context from ServeHTTP to the rewrite and error hooks.
type reqState struct {
	lease  *lb.Lease
	target *url.URL
	elb    int // status the proxy generated, 0 if the target answered
}

type ctxKey struct{}

// ServeHTTP routes one request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.hmu.Lock()
	if p.draining {
		p.hmu.Unlock()
		http.Error(w, "503 Service Unavailable: load balancer is shutting down", http.StatusServiceUnavailable)
		return
	}
	p.handlers.Add(1)
	p.hmu.Unlock()
	defer p.handlers.Done()
	inBytes := requestHeaderSize(r)
	lease, ok := p.b.Acquire()
	if !ok {
		body := "503 Service Unavailable: no healthy target\n"
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		n, _ := io.WriteString(w, body)
		p.b.AddProcessedBytes(inBytes + int64(n))
		return
	}
	rs := &reqState{lease: lease, target: &url.URL{Scheme: "http", Host: lease.Target().Addr}}
	// The request ends when the client goes away or when the target is removed (a
	// deregistration delay that expired cuts requests still in flight).
	ctx, cancel := context.WithCancel(context.WithValue(r.Context(), ctxKey{}, rs))
	stopCut := context.AfterFunc(lease.Context(), cancel)
	cw := &countingWriter{ResponseWriter: w}
	var body *countingBody
	if r.Body != nil && r.Body != http.NoBody {
		body = &countingBody{ReadCloser: r.Body}
		r.Body = body
	}
	start := time.Now()
	defer func() {
		// ReverseProxy panics with http.ErrAbortHandler when the target breaks the
		// response mid-body; account for the request before the panic goes on.
		rec := recover()
		stopCut()
		cancel()
		o := lb.Outcome{Status: cw.status, ByELB: rs.elb != 0, BytesOut: cw.n + cw.headerBytes(), BytesIn: inBytes, Duration: time.Since(start)}
		if body != nil {
			o.BytesIn += body.n.Load()
		}
		if rs.elb != 0 {
			o.Status = rs.elb
		}
		if o.Status == 0 {
			o.Status = http.StatusOK // the handler wrote nothing: net/http sends 200
		}
		lease.Complete(o)
		if rec != nil {
			panic(rec)
		}
	}()
	p.rp.ServeHTTP(cw, r.WithContext(ctx))
}

func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	rs := pr.In.Context().Value(ctxKey{}).(*reqState)
	pr.SetURL(rs.target)
	pr.Out.Host = pr.In.Host // ALB forwards the client's Host header unchanged
	pr.SetXForwarded()
}

// errorHandler maps a failed round trip to the ALB status: 460 if the client left, 504 on
// a timeout (connect or response headers), 502 otherwise (refused, reset, bad response,
// target removed mid-request).
func (p *Proxy) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	rs := r.Context().Value(ctxKey{}).(*reqState)
	var ne net.Error
	switch {
	case r.Context().Err() != nil && rs.lease.Context().Err() == nil:
		rs.elb = StatusClientClosed
		return // nobody is listening
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		rs.elb = http.StatusGatewayTimeout
	default:
		rs.elb = http.StatusBadGateway
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(rs.elb)
	fmt.Fprintf(w, "%d %s: target %s\n", rs.elb, http.StatusText(rs.elb), rs.lease.Target().ID)
}

// Close stops listening, cuts open connections and requests in flight, stops health
// checks and waits until every goroutine the proxy started has ended. The port is free
// when Close returns.
func (p *Proxy) Close() error {
	return p.shutdown(nil)
}

// Shutdown stops accepting connections and waits for requests in flight to finish (or ctx
// to end, then cuts them), then stops health checks.
func (p *Proxy) Shutdown(ctx context.Context) error {
	return p.shutdown(ctx)
}

func (p *Proxy) shutdown(ctx context.Context) error {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	var err error
	if p.srv != nil {
		if ctx != nil {
			err = p.srv.Shutdown(ctx)
		}
		if ctx == nil || err != nil {
			err = errors.Join(err, p.srv.Close())
		}
		if serr := <-p.serveErr; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
	}
	p.hmu.Lock()
	p.draining = true
	p.hmu.Unlock()
	p.handlers.Wait()
	p.transport.CloseIdleConnections()
	return errors.Join(err, p.b.Close())
}
