package server

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// ErrModelLoad wraps a failure of the Loader; Run returns it and the server stops.
var ErrModelLoad = errors.New("server: loading the model failed")

// ErrDrainTimeout is returned by Run when in-flight requests outlived the shutdown grace
// period and their connections were closed.
var ErrDrainTimeout = errors.New("server: shutdown grace period ended before in-flight requests finished")

// ReadyInfo describes a server that has become ready.
type ReadyInfo struct {
	// Addr is the address the server listens on.
	Addr string `json:"addr"`
	// Startup is the time from process exec to model loaded and listening.
	Startup time.Duration `json:"-"`
	// StartupSeconds is Startup in seconds, for machine readers.
	StartupSeconds float64 `json:"startup_seconds"`
	// StartSource is where the process start time came from (StartFromProc or
	// StartFromInit).
	StartSource string `json:"start_source"`
	// Model is the loaded model.
	Model ModelInfo `json:"model"`
}

// phase is the model's lifecycle.
type phase int

const (
	phaseLoading phase = iota
	phaseReady
	phaseFailed
)

// state is the server's model state, swapped atomically once when loading ends.
type state struct {
	phase    phase
	model    Model
	info     ModelInfo
	infoJSON []byte // the "model" object of every answer, encoded once
	err      error
	startup  time.Duration
}

// Server is the inference service. Create it with New, then either call Run with a
// listener (the usual way: it loads the model in the background, serves, and drains on
// shutdown) or mount Handler yourself after LoadModel.
type Server struct {
	cfg         Config
	m           *metrics
	sem         chan struct{}
	st          atomic.Pointer[state]
	ready       chan struct{}
	start       time.Time
	startSource string
	handler     http.Handler
	loadOnce    atomic.Bool
	addr        atomic.Value // string, set by Run
}

// New validates cfg and returns a server whose model is not loaded yet.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:   cfg,
		m:     newMetrics(),
		sem:   make(chan struct{}, cfg.MaxInflight),
		ready: make(chan struct{}),
		start: cfg.ProcessStart,
	}
	s.startSource = "config"
	if s.start.IsZero() {
		s.start, s.startSource = ProcessStartTime()
	}
	s.st.Store(&state{phase: phaseLoading})
	s.handler = s.routes()
	return s, nil
}

// Handler returns the HTTP handler: /predict, /healthz and /metrics.
func (s *Server) Handler() http.Handler { return s.handler }

// Ready is closed once the model has loaded.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Startup returns the exec→ready time, or 0 before the model has loaded.
func (s *Server) Startup() time.Duration { return s.st.Load().startup }

// LoadModel calls the Loader and, on success, makes the server ready. Run calls it after
// its listener is up; call it yourself only when mounting Handler without Run. Only the
// first call loads.
func (s *Server) LoadModel(ctx context.Context) error {
	if !s.loadOnce.CompareAndSwap(false, true) {
		return errors.New("server: LoadModel called twice")
	}
	model, info, err := s.callLoader(ctx)
	if err != nil {
		err = fmt.Errorf("%w: %w", ErrModelLoad, err)
		s.st.Store(&state{phase: phaseFailed, err: err})
		fmt.Fprintf(s.cfg.Log, "model load failed: %v\n", err)
		return err
	}
	if info.Kind == "" {
		info.Kind = model.Kind()
	}
	startup := time.Since(s.start)
	s.st.Store(&state{phase: phaseReady, model: model, info: info, infoJSON: mustJSON(info), startup: startup})
	s.m.ready(info, startup)
	close(s.ready)
	addr, _ := s.addr.Load().(string)
	fmt.Fprintf(s.cfg.Log, "ready in %s (exec→ready, start from %s): model %s %s, listening on %s\n",
		startup.Round(time.Millisecond), s.startSource, info.Name, info.Version, addr)
	if s.cfg.OnReady != nil {
		s.cfg.OnReady(ReadyInfo{Addr: addr, Startup: startup, StartupSeconds: startup.Seconds(), StartSource: s.startSource, Model: info})
	}
	return nil
}

// callLoader runs the Loader, turning a panic or a nil model into an error.
func (s *Server) callLoader(ctx context.Context) (m Model, info ModelInfo, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("loader panicked: %v", r)
		}
	}()
	m, info, err = s.cfg.Loader(ctx)
	if err == nil && m == nil {
		err = errors.New("loader returned no model")
	}
	return m, info, err
}

// Run serves on ln until ctx ends, loading the model in the background once the listener
// is up. When ctx ends (SIGTERM in the serve command) it stops accepting, waits up to the
// shutdown grace period for in-flight requests, then returns. It returns an error
// wrapping ErrModelLoad if the model cannot be loaded, and ErrDrainTimeout if the drain
// did not finish in time. Run closes ln.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	s.addr.Store(ln.Addr().String())
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          log.New(s.cfg.Log, "http: ", 0),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()

	loadCtx, cancelLoad := context.WithCancel(ctx)
	defer cancelLoad()
	loadErr := make(chan error, 1)
	go func() { loadErr <- s.LoadModel(loadCtx) }()

	for {
		select {
		case err := <-serveErr:
			return fmt.Errorf("server: serving on %s: %w", ln.Addr(), err)
		case err := <-loadErr:
			loadErr = nil
			if err != nil {
				_ = s.drain(hs)
				return err
			}
		case <-ctx.Done():
			return s.drain(hs)
		}
	}
}

// drain stops accepting and waits up to the grace period for in-flight requests.
func (s *Server) drain(hs *http.Server) error {
	fmt.Fprintf(s.cfg.Log, "shutting down: draining %d in-flight requests (grace %s)\n", len(s.sem), s.cfg.ShutdownGrace)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		cut := len(s.sem)
		_ = hs.Close()
		return fmt.Errorf("%w (%s; %d requests cut)", ErrDrainTimeout, s.cfg.ShutdownGrace, cut)
	}
	fmt.Fprintln(s.cfg.Log, "shut down cleanly")
	return nil
}
