package docker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/deploybench/deploybench/runtime"
)

// Start creates and starts one container for spec: the image (or DefaultImage for the
// built-in app), host network, PORT and "{port}" set to a free loopback port, NanoCPUs
// = vCPUs × fraction, a hard memory limit without swap, and the run's labels. It
// returns once the container runs; WaitReady polls the health path. A container whose
// start fails is removed before Start returns.
func (b *Backend) Start(ctx context.Context, spec runtime.Spec) (runtime.Instance, error) {
	return b.start(ctx, spec, "")
}

// start is Start; with rie (a static aws-lambda-rie on this machine) the image's program
// runs as a Lambda handler behind the Runtime Interface Emulator (see LambdaRIE).
func (b *Backend) start(ctx context.Context, spec runtime.Spec, rie string) (runtime.Instance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !(spec.VCPU > 0) {
		return nil, fmt.Errorf("docker: instance %q: vcpu %v must be > 0", spec.Name, spec.VCPU)
	}
	if spec.MemoryMiB < 0 {
		return nil, fmt.Errorf("docker: instance %q: memory %d MiB must be >= 0", spec.Name, spec.MemoryMiB)
	}
	image, entrypoint, args, err := b.resolveImage(spec)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	img, err := b.cli.ImageInspect(ctx, image)
	if err != nil {
		if isNotFound(err) {
			return nil, imageNotFound(image, " at "+b.host)
		}
		return nil, fmt.Errorf("docker: image %q: %v", image, oneLine(err.Error()))
	}
	var exposed, imgEnv []string
	if img.Config != nil {
		for p := range img.Config.ExposedPorts {
			exposed = append(exposed, p)
		}
		imgEnv = img.Config.Env
	}
	if rie == "" {
		if err := portCheck(image, args, exposed, imgEnv); err != nil {
			return nil, err
		}
	}

	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, errors.New("docker: backend is closed")
	}
	b.seq++
	name := spec.Name
	if name == "" {
		name = "instance"
	}
	id := fmt.Sprintf("%s-%d", name, b.seq)
	b.mu.Unlock()

	port, err := runtime.Ports.Get()
	if err != nil {
		return nil, err
	}
	ps := strconv.Itoa(port)
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], "{port}", ps)
	}
	var apiPort int
	if rie != "" {
		if apiPort, err = runtime.Ports.Get(); err != nil {
			runtime.Ports.Release(port)
			return nil, err
		}
		if entrypoint, args, err = rieCommand(image, img.Config, args, port, apiPort); err != nil {
			runtime.Ports.Release(port)
			runtime.Ports.Release(apiPort)
			return nil, err
		}
	}
	release := func() {
		runtime.Ports.Release(port)
		if apiPort != 0 {
			runtime.Ports.Release(apiPort)
		}
	}
	env := []string{"PORT=" + ps}
	if _, ok := spec.Env["GOMAXPROCS"]; !ok {
		// As the process backend does: a Go app sizes its scheduler for the host (Go 1.25+
		// for the CPU limit, but never below 2), and two threads burning a 0.125-core quota
		// stall for most of each 100 ms CFS period, so health checks time out.
		env = append(env, "GOMAXPROCS="+strconv.Itoa(gomaxprocs(spec.VCPU, b.o.VCPUFraction)))
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Env)) {
		if k != "PORT" {
			env = append(env, k+"="+strings.ReplaceAll(spec.Env[k], "{port}", ps))
		}
	}
	if _, ok := spec.Env[rieMemoryEnv]; rie != "" && !ok && spec.MemoryMiB > 0 {
		// What the emulator reports as the function's memory (its default is 3,008 MB).
		env = append(env, rieMemoryEnv+"="+strconv.Itoa(spec.MemoryMiB))
	}
	labels := map[string]string{LabelRun: b.run, LabelRole: "app"}
	for k, v := range spec.Labels {
		labels[labelPrefix+k] = v
	}
	nano := nanoCPUs(spec.VCPU, b.o.VCPUFraction)
	mem := int64(spec.MemoryMiB) << 20
	cfg := &container.Config{Image: image, Env: env, Labels: labels}
	if entrypoint != nil {
		cfg.Entrypoint = entrypoint
	}
	if len(args) > 0 {
		cfg.Cmd = args
	}
	host := &container.HostConfig{
		NetworkMode: "host",
		Resources:   container.Resources{NanoCPUs: nano, Memory: mem},
	}
	if mem > 0 {
		// Equal to Memory: no swap, so the limit kills as a task's hard limit does.
		host.Resources.MemorySwap = mem
	}
	if rie != "" {
		host.Mounts = rieMounts(rie)
	}
	in := &instance{b: b, id: id, spec: spec, port: port, apiPort: apiPort, image: image, allowed: spec.VCPU, done: make(chan struct{}),
		imageBytes: img.Size, startedAt: t0}
	created, err := b.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: host, Name: b.run + "-" + safeName(id)})
	if err != nil {
		release()
		return nil, fmt.Errorf("docker: instance %s: create: %v", id, oneLine(err.Error()))
	}
	in.cid = created.ID
	if _, err := b.cli.ContainerStart(ctx, in.cid, client.ContainerStartOptions{}); err != nil {
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, _ = b.cli.ContainerRemove(rctx, in.cid, client.ContainerRemoveOptions{Force: true})
		cancel()
		release()
		return nil, fmt.Errorf("docker: instance %s: start: %v", id, oneLine(err.Error()))
	}
	in.created = time.Since(t0)
	if res, err := b.cli.ContainerInspect(ctx, in.cid, client.ContainerInspectOptions{}); err == nil && res.Container.State != nil {
		in.cg, in.cgOK = locateCgroup(res.Container.State.Pid)
	}

	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		_ = in.remove()
		release()
		return nil, errors.New("docker: backend is closed")
	}
	b.insts[id] = in
	b.mu.Unlock()
	go in.watch()
	b.logf("%s started: container %s, image %s, %s, %g vCPU (%.3g cores), %d MiB", id, shortID(in.cid), image, in.Addr(), spec.VCPU, float64(nano)/1e9, spec.MemoryMiB)
	return in, nil
}

// resolveImage picks the image and, for the built-in app, the entrypoint and arguments.
// A Spec with an image runs it with Command (if any) as its arguments. A Spec without
// one whose command is this very binary (the built-in classifier) runs in DefaultImage,
// whose /deploybench is the same program.
func (b *Backend) resolveImage(spec runtime.Spec) (image string, entrypoint, args []string, err error) {
	if spec.Image != "" {
		return spec.Image, nil, slices.Clone(spec.Command), nil
	}
	if len(spec.Command) > 0 && isSelf(spec.Command[0]) {
		return b.o.DefaultImage, []string{"/" + binaryName}, slices.Clone(spec.Command[1:]), nil
	}
	return "", nil, nil, errors.New("docker: the docker runtime runs an image, not a command: set app.image (or use the built-in app, after deploybench image build), or run the command with runtime: process")
}

// Check tells before any container starts whether Start could run spec's app: that it
// names an image (app.image, or the built-in app's DefaultImage), that the engine has
// it, and, unless the app is a Lambda handler run through the emulator (rie), that the
// app can be told its port. Its errors are Start's, so a scenario fails at once in one
// line instead of at its first instance.
func (b *Backend) Check(ctx context.Context, spec runtime.Spec, rie bool) error {
	image, _, args, err := b.resolveImage(spec)
	if err != nil {
		return err
	}
	img, err := b.cli.ImageInspect(ctx, image)
	if err != nil {
		if isNotFound(err) {
			return imageNotFound(image, " at "+b.host)
		}
		return fmt.Errorf("docker: image %q: %v", image, oneLine(err.Error()))
	}
	if rie || img.Config == nil {
		return nil
	}
	var exposed []string
	for p := range img.Config.ExposedPorts {
		exposed = append(exposed, p)
	}
	return portCheck(image, args, exposed, img.Config.Env)
}

// isSelf reports whether path names the running executable.
func isSelf(path string) bool {
	self, err := os.Executable()
	if err != nil {
		return false
	}
	a, err1 := os.Stat(path)
	c, err2 := os.Stat(self)
	if err1 == nil && err2 == nil {
		return os.SameFile(a, c)
	}
	return filepath.Clean(path) == filepath.Clean(self)
}

// portCheck refuses an image that listens on a fixed port it declares (EXPOSE) and that
// nothing tells the port: neither "{port}" in the command nor PORT among the image's
// variables. On the host network two such containers would fight for the same port.
func portCheck(image string, args, exposed, imageEnv []string) error {
	if len(exposed) == 0 {
		return nil
	}
	for _, a := range args {
		if strings.Contains(a, "{port}") {
			return nil
		}
	}
	for _, e := range imageEnv {
		if strings.HasPrefix(e, "PORT=") {
			return nil
		}
	}
	ports := slices.Sorted(slices.Values(exposed))
	return fmt.Errorf("docker: image %q listens on its fixed port %s and cannot be told another: give app.command with {port}, or make the app read $PORT (and declare ENV PORT in the image)", image, strings.Join(ports, ","))
}

// nanoCPUs is the CPU limit of vcpu emulated vCPUs in the engine's unit (1e-9 core). The
// engine refuses less than 0.01 core, so that is the floor.
func nanoCPUs(vcpu, fraction float64) int64 {
	return max(int64(math.Round(vcpu*fraction*1e9)), 1e7)
}

// gomaxprocs is ceil(vcpu × fraction) host cores, at least 1.
func gomaxprocs(vcpu, fraction float64) int {
	return max(1, int(math.Ceil(vcpu*fraction-1e-9)))
}

// imageNotFound is the one line for an image the engine lacks, with the ways to get it;
// where names the engine ("" when the caller's context already does).
func imageNotFound(image, where string) error {
	return fmt.Errorf("docker: image %q not found on the engine%s (deploybench image build makes the classifier's; load another with deploybench image load FILE or app.image_archive: FILE, or docker pull it)", image, where)
}

// isNotFound reports an engine "no such image/container" answer.
func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }

// Addr is the host:port on 127.0.0.1 the app listens on.
func (in *instance) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(in.port)) }
