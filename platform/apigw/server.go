package apigw

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// Server is the live API Gateway: an HTTP server on 127.0.0.1 that reads each request,
// asks its Gateway for a verdict, invokes the Integration for admitted ones and answers
// with API Gateway's status codes and JSON error bodies. Invocations still running when
// the integration timeout answers 504 run on in the background; Close waits for them.
type Server struct {
	gw    *Gateway
	integ Integration
	clock platform.Clock

	ln   net.Listener
	srv  *http.Server
	url  string
	bg   sync.WaitGroup // invocations, including those outliving their request
	seq  atomic.Int64
	once sync.Once
	// OnReject, if set, is called (from the request goroutine) for every request the
	// gateway answers itself: reason as in Verdict and Outcome.
	onReject func(reason string)
}

// ServerOptions wires a Server.
type ServerOptions struct {
	// Clock times the integration timeout; nil means the wall clock.
	Clock platform.Clock
	// OnReject, if set, hears about every request the gateway answers itself (throttled,
	// too large, integration timeout, function error, ...), for events and logs.
	OnReject func(reason string)
}

// NewServer returns a server for gw forwarding to integ; Start listens.
func NewServer(gw *Gateway, integ Integration, o ServerOptions) (*Server, error) {
	if gw == nil || integ == nil {
		return nil, errors.New("apigw: NewServer: gateway and integration are required")
	}
	if o.Clock == nil {
		o.Clock = platform.WallClock{}
	}
	return &Server{gw: gw, integ: integ, clock: o.Clock, onReject: o.OnReject}, nil
}

// Start listens on 127.0.0.1 on a free port and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("apigw: listen: %w", err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return nil
}

// URL is the base URL clients call; empty before Start.
func (s *Server) URL() string { return s.url }

// Close stops accepting requests, waits for those in progress and for background
// invocations (bounded by ctx), and closes the listener.
func (s *Server) Close(ctx context.Context) error {
	var err error
	s.once.Do(func() {
		if s.srv != nil {
			err = s.srv.Shutdown(ctx)
			if err != nil {
				_ = s.srv.Close()
			}
		}
		done := make(chan struct{})
		go func() { s.bg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("apigw: invocations still running: %w", ctx.Err())
			}
		}
	})
	return err
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := "req-" + strconv.FormatInt(s.seq.Add(1), 10)
	w.Header().Set("Apigw-Requestid", id)
	max := s.gw.Config().MaxPayload
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		s.reject(w, http.StatusBadRequest, "bad_request", "Bad Request")
		return
	}
	n := int64(len(body))
	if r.ContentLength > n {
		n = r.ContentLength
	}
	if v := s.gw.Admit(s.clock.Now(), n); !v.Forward {
		msg := "Too Many Requests"
		if v.Status == http.StatusRequestEntityTooLarge {
			msg = "Request Entity Too Large"
		}
		s.reject(w, v.Status, v.Reason, msg)
		return
	}
	req := &Request{Method: r.Method, URI: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body}
	type result struct {
		resp *Response
		err  error
	}
	done := make(chan result, 1)
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		// Detached from the client: the function runs on after a 504 or a hang-up.
		resp, err := s.integ.Invoke(context.WithoutCancel(r.Context()), req)
		done <- result{resp, err}
	}()
	expired := make(chan struct{})
	t := s.clock.AfterFunc(s.gw.Config().Timeout, func() { close(expired) })
	defer t.Stop()
	var res result
	timedOut := false
	select {
	case res = <-done:
	case <-expired:
		timedOut = true
	case <-r.Context().Done():
		return // the client left; nothing to answer
	}
	status, reason := s.gw.Outcome(res.resp, res.err, timedOut)
	if reason != "" {
		msg := map[int]string{429: "Too Many Requests", 500: "Internal Server Error", 502: "Internal server error", 504: "Endpoint request timed out"}[status]
		if reason == "lambda_throttled" {
			w.Header().Set("X-Amzn-Errortype", "TooManyRequestsException")
		}
		s.reject(w, status, reason, msg)
		return
	}
	for k, vs := range res.resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(res.resp.Body)))
	w.WriteHeader(status)
	_, _ = w.Write(res.resp.Body)
}

func (s *Server) reject(w http.ResponseWriter, status int, reason, msg string) {
	if s.onReject != nil {
		s.onReject(reason)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\"message\":%q}\n", msg)
}
