package server

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// Defaults for Config fields left zero. They are the service's own choices, not AWS
// facts: they keep one instance responsive under overload on a small machine.
const (
	// DefaultMaxBodyBytes bounds a request body; a 28×28 digit is a few hundred bytes
	// and a phone photo a few MB, so 10 MB rejects only abuse.
	DefaultMaxBodyBytes = 10 << 20
	// DefaultMaxImagePixels bounds the decoded size of an image (width×height), so a
	// small compressed "decompression bomb" cannot allocate gigabytes; 16 MP admits a
	// typical phone photo (12 MP).
	DefaultMaxImagePixels = 16_000_000
	// DefaultMaxBatch bounds the number of images in one JSON batch.
	DefaultMaxBatch = 1024
	// DefaultReadHeaderTimeout bounds slow-header (slowloris) clients.
	DefaultReadHeaderTimeout = 5 * time.Second
	// DefaultReadTimeout bounds reading a whole request, body included.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds handling plus writing one answer.
	DefaultWriteTimeout = 30 * time.Second
	// DefaultIdleTimeout is how long a keep-alive connection may stay idle. It is longer
	// than the ALB's default 60 s idle timeout, as AWS recommends for targets, so the
	// balancer, not the target, closes idle connections.
	DefaultIdleTimeout = 75 * time.Second
	// DefaultShutdownGrace is how long a shutdown waits for in-flight requests. It is
	// below ECS's default 30 s stopTimeout, so the drain ends before SIGKILL.
	DefaultShutdownGrace = 20 * time.Second
	// DefaultRetryAfter is the Retry-After value sent with 503 answers.
	DefaultRetryAfter = 1 * time.Second
)

// DefaultMaxInflight is the concurrency limit used when Config.MaxInflight is 0: four
// requests per usable CPU keeps every core busy while one request's I/O is in flight,
// without letting a queue grow that only adds latency.
func DefaultMaxInflight() int { return 4 * runtime.GOMAXPROCS(0) }

// Config configures a Server. The zero value plus a Loader is valid; zero fields take
// the defaults above.
type Config struct {
	// Loader loads the model; required.
	Loader Loader
	// MaxInflight is the number of /predict requests handled at once; more get 503 with
	// Retry-After. 0 means DefaultMaxInflight(); negative is invalid.
	MaxInflight int
	// MaxBodyBytes bounds a request body (413 beyond it). 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxImagePixels bounds an image's width×height. 0 means DefaultMaxImagePixels.
	MaxImagePixels int
	// MaxBatch bounds the images of one JSON batch. 0 means DefaultMaxBatch.
	MaxBatch int
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the http.Server
	// timeouts; 0 means the defaults above.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownGrace is how long Run waits for in-flight requests after its context ends
	// before closing connections. 0 means DefaultShutdownGrace.
	ShutdownGrace time.Duration
	// ProcessStart is when the process started, the origin of the exec→ready time; zero
	// means ProcessStartTime() is asked.
	ProcessStart time.Time
	// OnReady, if set, is called once when the model has loaded; the serve command
	// prints its machine-readable ready line from it.
	OnReady func(ReadyInfo)
	// Log receives human-readable log lines; nil discards them.
	Log io.Writer
}

// Validate reports the first invalid field, naming it and the fix.
func (c Config) Validate() error {
	switch {
	case c.Loader == nil:
		return fmt.Errorf("server: config: Loader is nil; set a function that loads the model")
	case c.MaxInflight < 0:
		return fmt.Errorf("server: config: max inflight %d is negative; use 0 for the default or a positive limit", c.MaxInflight)
	case c.MaxBodyBytes < 0:
		return fmt.Errorf("server: config: max body %d bytes is negative; use 0 for the default (%d) or a positive size", c.MaxBodyBytes, DefaultMaxBodyBytes)
	case c.MaxImagePixels < 0:
		return fmt.Errorf("server: config: max image pixels %d is negative", c.MaxImagePixels)
	case c.MaxBatch < 0:
		return fmt.Errorf("server: config: max batch %d is negative", c.MaxBatch)
	case c.ReadHeaderTimeout < 0, c.ReadTimeout < 0, c.WriteTimeout < 0, c.IdleTimeout < 0, c.ShutdownGrace < 0:
		return fmt.Errorf("server: config: timeouts must not be negative; use 0 for the defaults")
	}
	return nil
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.MaxInflight == 0 {
		c.MaxInflight = DefaultMaxInflight()
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxImagePixels == 0 {
		c.MaxImagePixels = DefaultMaxImagePixels
	}
	if c.MaxBatch == 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.ShutdownGrace, DefaultShutdownGrace)
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c
}
