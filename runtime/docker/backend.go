package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"

	"github.com/deploybench/deploybench/runtime"
)

// Label keys every container of this backend carries.
const (
	// LabelRun names the run: runtime.RunPrefix + owner pid + "-" + run id, the same
	// form as the process backend's cgroups, so GC can tell a dead run from a live one.
	LabelRun = "deploybench.run"
	// LabelPlatform is the platform the container belongs to (Spec.Labels["platform"]).
	LabelPlatform = "deploybench.platform"
	// LabelRole is what the container is: "app" unless Spec.Labels["role"] says otherwise.
	LabelRole = "deploybench.role"
	// labelPrefix prefixes every other Spec label.
	labelPrefix = "deploybench."
)

// DefaultImage is the image of the built-in classifier, made by `deploybench image
// build`; a Spec without an image whose command is this very binary runs in it.
const DefaultImage = "deploybench/classifier:dev"

// pingTimeout bounds the first contact with the engine, so an engine that does not
// answer fails the run in seconds rather than at the first instance start.
const pingTimeout = 5 * time.Second

// Options configures the docker backend. The zero value is usable.
type Options struct {
	// VCPUFraction is the share of a host core one emulated vCPU gets; 0 means
	// runtime.DefaultVCPUFraction.
	VCPUFraction float64
	// Host is the engine's address, e.g. "unix:///var/run/docker.sock" or
	// "tcp://10.0.0.5:2375"; "" means DOCKER_HOST, or the local socket without it.
	Host string
	// RunID names this run in container labels and names; "" picks a random one.
	RunID string
	// Log receives one line per container start, exit and stop; nil discards them.
	Log io.Writer
	// CloseGrace is the SIGTERM grace Close gives containers still running; 0 means
	// runtime.DefaultCloseGrace.
	CloseGrace time.Duration
	// DefaultImage runs the built-in app (a Spec with no image whose command is this
	// binary); "" means DefaultImage.
	DefaultImage string
}

// Backend runs instances as Docker containers. It is safe for concurrent use.
type Backend struct {
	o      Options
	cli    *client.Client
	host   string
	run    string
	limits string

	logMu sync.Mutex

	mu     sync.Mutex
	insts  map[string]*instance
	seq    int
	closed bool
}

var _ runtime.Backend = (*Backend)(nil)

// New connects to the engine (DOCKER_HOST or Options.Host) and checks that it answers.
// An engine that cannot be reached is an error that says how to start one.
func New(ctx context.Context, o Options) (*Backend, error) {
	if o.VCPUFraction == 0 {
		o.VCPUFraction = runtime.DefaultVCPUFraction
	}
	if !(o.VCPUFraction > 0 && o.VCPUFraction <= 64) {
		return nil, fmt.Errorf("docker: vcpu fraction %v must be > 0 and at most 64 host cores", o.VCPUFraction)
	}
	if o.CloseGrace <= 0 {
		o.CloseGrace = runtime.DefaultCloseGrace
	}
	if o.DefaultImage == "" {
		o.DefaultImage = DefaultImage
	}
	if o.RunID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		o.RunID = hex.EncodeToString(b[:])
	}
	cli, host, err := Connect(ctx, o.Host)
	if err != nil {
		return nil, err
	}
	b := &Backend{o: o, cli: cli, host: host, insts: map[string]*instance{},
		run: runtime.RunPrefix + strconv.Itoa(os.Getpid()) + "-" + safeName(o.RunID)}
	b.limits = fmt.Sprintf("docker: 1 vCPU = %g host core (NanoCPUs), memory limit enforced", o.VCPUFraction)
	ictx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if info, err := cli.Info(ictx, client.InfoOptions{}); err == nil {
		mem := "memory limit enforced"
		if !info.Info.MemoryLimit {
			mem = "memory limit NOT enforced by this engine"
		}
		cg := "cgroup v" + info.Info.CgroupVersion
		if info.Info.CgroupVersion == "" {
			cg = "cgroup ?"
		}
		b.limits = fmt.Sprintf("docker (engine %s, %s): 1 vCPU = %g host core (NanoCPUs), %s",
			info.Info.ServerVersion, cg, o.VCPUFraction, mem)
	}
	return b, nil
}

// Connect opens a client for host ("" means DOCKER_HOST or the local socket) and pings
// the engine. It returns the engine's address as the client sees it.
func Connect(ctx context.Context, host string) (*client.Client, string, error) {
	opts := []client.Opt{client.FromEnv}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	cli, err := client.New(opts...)
	if err != nil {
		return nil, host, fmt.Errorf("docker: engine address: %v (set DOCKER_HOST to e.g. unix:///var/run/docker.sock)", err)
	}
	host = cli.DaemonHost()
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if _, err := cli.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		cli.Close()
		return nil, host, unreachable(host, err)
	}
	return cli, host, nil
}

// unreachable words an engine that does not answer as one line with the fix.
func unreachable(host string, err error) error {
	cause := err.Error()
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		cause = op.Op + ": " + op.Err.Error()
	} else if errors.Is(err, context.DeadlineExceeded) {
		cause = "no answer within " + pingTimeout.String()
	}
	return fmt.Errorf("docker: cannot reach the Docker engine at %s: %s (start dockerd, or set DOCKER_HOST)", host, oneLine(cause))
}

// Name returns "docker".
func (b *Backend) Name() string { return "docker" }

// Limits describes how CPU and memory are limited, for the run's output.
func (b *Backend) Limits() string { return b.limits }

// VCPUFraction is the share of a host core one emulated vCPU gets.
func (b *Backend) VCPUFraction() float64 { return b.o.VCPUFraction }

// Host is the engine's address.
func (b *Backend) Host() string { return b.host }

// RunLabel is the value of LabelRun on this backend's containers.
func (b *Backend) RunLabel() string { return b.run }

// DefaultImage is the image the built-in app runs in.
func (b *Backend) DefaultImage() string { return b.o.DefaultImage }

// Client is the engine client (for image inspection by the runner).
func (b *Backend) Client() *client.Client { return b.cli }

// logf writes one progress line.
func (b *Backend) logf(format string, args ...any) {
	if b.o.Log == nil {
		return
	}
	b.logMu.Lock()
	defer b.logMu.Unlock()
	fmt.Fprintf(b.o.Log, "docker: "+format+"\n", args...)
}

// forget drops a stopped instance from the backend's set.
func (b *Backend) forget(id string) {
	b.mu.Lock()
	delete(b.insts, id)
	b.mu.Unlock()
}

// Close stops every container still running (SIGTERM, CloseGrace, SIGKILL), then
// removes every container labelled with this run, including any a failed start left.
// Start fails after Close.
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	insts := make([]*instance, 0, len(b.insts))
	for _, in := range b.insts {
		insts = append(insts, in)
	}
	b.mu.Unlock()

	errs := make([]error, len(insts))
	var wg sync.WaitGroup
	for i, in := range insts {
		wg.Go(func() { errs[i] = in.Stop(b.o.CloseGrace) })
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := removeLabelled(ctx, b.cli, LabelRun+"="+b.run, func(map[string]string) bool { return true })
	errs = append(errs, err)
	errs = append(errs, b.cli.Close())
	return errors.Join(errs...)
}

// removeLabelled force-removes every container (running or not) matching the label
// filter for which keep returns true given its labels. It returns the removed names.
func removeLabelled(ctx context.Context, cli *client.Client, filter string, remove func(map[string]string) bool) ([]string, error) {
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: make(client.Filters).Add("label", filter)})
	if err != nil {
		return nil, fmt.Errorf("docker: list containers: %v", oneLine(err.Error()))
	}
	var removed []string
	var errs []error
	for _, c := range list.Items {
		if !remove(c.Labels) {
			continue
		}
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("docker: remove %s: %v", shortID(c.ID), oneLine(err.Error())))
			continue
		}
		name := shortID(c.ID)
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		removed = append(removed, name)
	}
	return removed, errors.Join(errs...)
}

// oneLine keeps the first line of an engine message.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// shortID is the 12-character form docker ps shows.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// safeName keeps the characters a container name may hold.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
