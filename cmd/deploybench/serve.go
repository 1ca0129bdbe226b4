package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/mnist"
	"github.com/deploybench/deploybench/server"
)

func init() { register(newServeCmd) }

// defaultServeAddr is used when neither --addr nor PORT is given.
const defaultServeAddr = "127.0.0.1:8080"

// serveOptions are the serve command's flags.
type serveOptions struct {
	model, addr                            string
	maxInflight, heavy                     int
	maxBody                                int64
	readTimeout, writeTimeout, idleTimeout time.Duration
	grace                                  time.Duration
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the digit classifier over HTTP (/predict, /healthz, /metrics)",
		Long: `serve runs the built-in inference service, the app deploybench deploys on every
emulated platform. It listens first and loads the model in the background: /healthz
answers 503 until the model is loaded, then 200.

  POST /predict   a PNG/JPEG/GIF image of a digit (any size, dark on light or light on
                  dark), or JSON {"pixels":[784 numbers]} (0–1, or 0–255 if any value
                  exceeds 1), or {"batch":[[784 numbers],...]}
  GET  /healthz   200 once the model is loaded
  GET  /metrics   Prometheus text format

When ready it logs "ready in …ms (exec→ready …)" and prints one JSON line to stderr,
{"event":"ready","addr":…,"startup_seconds":…,…}, for programs that start it. SIGTERM or
Ctrl-C drains in-flight requests (up to --grace), then exits 0.`,
		Example: `  deploybench serve
  deploybench serve --model m.bin --addr 127.0.0.1:9000
  PORT=9000 deploybench serve --model builtin:svm --heavy 4`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("addr") {
				addr, err := addrFromEnv(os.Getenv("HOST"), os.Getenv("PORT"))
				if err != nil {
					return asUsage(err)
				}
				o.addr = addr
			}
			return runServe(cmd.Context(), o, cmd.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.StringVar(&o.model, "model", "builtin:mlp", "model file, or builtin:mlp / builtin:svm")
	f.StringVar(&o.addr, "addr", defaultServeAddr, "listen address host:port (port 0 picks a free one); without it, $HOST (default 127.0.0.1) and $PORT (default 8080) select it")
	f.IntVar(&o.maxInflight, "max-inflight", 0, "concurrent /predict requests before answering 503 (0 = 4×GOMAXPROCS)")
	f.Int64Var(&o.maxBody, "max-body", server.DefaultMaxBodyBytes, "largest request body in bytes (413 beyond)")
	f.IntVar(&o.heavy, "heavy", 1, "run the model this many times per image, to make requests more CPU-bound")
	f.DurationVar(&o.readTimeout, "read-timeout", server.DefaultReadTimeout, "time to read a whole request")
	f.DurationVar(&o.writeTimeout, "write-timeout", server.DefaultWriteTimeout, "time to handle a request and write the answer")
	f.DurationVar(&o.idleTimeout, "idle-timeout", server.DefaultIdleTimeout, "keep-alive idle timeout")
	f.DurationVar(&o.grace, "grace", server.DefaultShutdownGrace, "how long shutdown waits for in-flight requests")
	return c
}

// addrFromEnv turns the HOST and PORT environment variables, as platforms set them, into
// a listen address: loopback unless HOST says otherwise (a container behind a real load
// balancer, or published with a port mapping, needs HOST=0.0.0.0; the exported
// CloudFormation templates set it), port 8080 unless PORT says otherwise.
func addrFromEnv(host, port string) (string, error) {
	h, p, _ := net.SplitHostPort(defaultServeAddr)
	if host != "" {
		if net.ParseIP(host) == nil && host != "localhost" {
			return "", fmt.Errorf("serve: environment HOST=%q is not an IP address; use 0.0.0.0 to listen on every interface, or unset it for 127.0.0.1", host)
		}
		h = host
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 {
			return "", fmt.Errorf("serve: environment PORT=%q is not a port number (0–65535); set it to one or pass --addr", port)
		}
		p = strconv.Itoa(n)
	}
	return net.JoinHostPort(h, p), nil
}

// validate checks the flags before anything starts.
func (o serveOptions) validate() error {
	switch {
	case o.maxInflight < 0:
		return fmt.Errorf("serve: --max-inflight %d is negative; use 0 for 4×GOMAXPROCS or a positive limit", o.maxInflight)
	case o.maxBody <= 0:
		return fmt.Errorf("serve: --max-body %d must be a positive number of bytes", o.maxBody)
	case o.heavy < 1:
		return fmt.Errorf("serve: --heavy %d must be at least 1", o.heavy)
	case o.readTimeout <= 0 || o.writeTimeout <= 0 || o.idleTimeout <= 0 || o.grace <= 0:
		return fmt.Errorf("serve: --read-timeout, --write-timeout, --idle-timeout and --grace must be positive durations, e.g. 30s")
	}
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return fmt.Errorf("serve: --addr %q is not host:port (e.g. 127.0.0.1:8080): %v", o.addr, err)
	}
	return nil
}

// modelLoader resolves --model into a server.Loader. Bad names and missing files are
// reported now, before the listener opens; decoding happens in the loader.
func modelLoader(spec string, heavy int) (server.Loader, error) {
	var load func() (mnist.Model, mnist.Info, error)
	name := spec
	if kind, ok := strings.CutPrefix(spec, "builtin:"); ok {
		known := false
		for _, k := range mnist.Kinds {
			known = known || k == kind
		}
		if !known {
			return nil, fmt.Errorf("--model %q: no such built-in model; use builtin:%s or a model file", spec, strings.Join(mnist.Kinds, " or builtin:"))
		}
		load = func() (mnist.Model, mnist.Info, error) { return mnist.Builtin(kind) }
	} else {
		if st, err := os.Stat(spec); err != nil || st.IsDir() {
			return nil, fmt.Errorf("--model %q: not a readable model file; train one with 'deploybench train' or use builtin:mlp", spec)
		}
		load = func() (mnist.Model, mnist.Info, error) { return mnist.ReadFile(spec) }
		name = filepath.Base(spec)
	}
	return func(ctx context.Context) (server.Model, server.ModelInfo, error) {
		m, info, err := load()
		if err != nil {
			return nil, server.ModelInfo{}, err
		}
		if err := ctx.Err(); err != nil {
			return nil, server.ModelInfo{}, err
		}
		mi := server.ModelInfo{Kind: info.Kind, Name: info.Name, Version: info.Version, Accuracy: info.Accuracy}
		if mi.Name == "" {
			mi.Name = name
		}
		if heavy > 1 {
			m = mnist.Heavy(m, heavy)
			mi.Name += fmt.Sprintf(" (heavy ×%d)", heavy)
		}
		return m, mi, nil
	}, nil
}

// readyLine is the machine-readable line serve prints to stderr once ready.
type readyLine struct {
	Event string `json:"event"`
	server.ReadyInfo
}

func runServe(ctx context.Context, o serveOptions, stderr io.Writer) error {
	if err := o.validate(); err != nil {
		return asUsage(err)
	}
	loader, err := modelLoader(o.model, o.heavy)
	if err != nil {
		return asUsage(fmt.Errorf("serve: %w", err))
	}
	s, err := server.New(server.Config{
		Loader:        loader,
		MaxInflight:   o.maxInflight,
		MaxBodyBytes:  o.maxBody,
		ReadTimeout:   o.readTimeout,
		WriteTimeout:  o.writeTimeout,
		IdleTimeout:   o.idleTimeout,
		ShutdownGrace: o.grace,
		Log:           stderr,
		OnReady: func(ri server.ReadyInfo) {
			b, _ := json.Marshal(readyLine{Event: "ready", ReadyInfo: ri})
			fmt.Fprintf(stderr, "%s\n", b)
		},
	})
	if err != nil {
		return asUsage(fmt.Errorf("serve: %w", err))
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: cannot listen on %s: %v; choose another --addr", o.addr, err)
	}
	fmt.Fprintf(stderr, "listening on http://%s, loading model %s\n", ln.Addr(), o.model)
	if err := s.Run(ctx, ln); err != nil {
		if !strings.HasPrefix(o.model, "builtin:") {
			err = asUsage(err) // the model file given is unusable
		}
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
