package awsfake

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/deploybench/deploybench/mnist"
	"github.com/deploybench/deploybench/server"
)

// Classifier is the built-in digit classifier served on a loopback address: the local
// stand-in for the load balancer or HTTP API a real stack would expose, so that the load
// a faked run sends is real.
type Classifier struct {
	// URL is the server's base URL, the value to give as Config.EndpointURL.
	URL    string
	cancel context.CancelFunc
	done   chan error
}

// StartClassifier serves the built-in MLP classifier on addr (e.g. "127.0.0.1:0") and
// returns once it answers /healthz.
func StartClassifier(addr string) (*Classifier, error) {
	srv, err := server.New(server.Config{
		Loader: func(ctx context.Context) (server.Model, server.ModelInfo, error) {
			m, info, err := mnist.Builtin("mlp")
			if err != nil {
				return nil, server.ModelInfo{}, err
			}
			return m, server.ModelInfo{Kind: info.Kind, Name: info.Name, Version: info.Version, Accuracy: info.Accuracy}, nil
		},
		ShutdownGrace: 2 * time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("awsfake: stand-in endpoint: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("awsfake: stand-in endpoint: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Classifier{URL: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { c.done <- srv.Run(ctx, ln) }()
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if err := server.WaitHealthy(wctx, http.DefaultClient, c.URL); err != nil {
		c.Close()
		return nil, fmt.Errorf("awsfake: stand-in endpoint: %w", err)
	}
	return c, nil
}

// Close stops the classifier, waiting for in-flight requests to drain.
func (c *Classifier) Close() error {
	c.cancel()
	return <-c.done
}
