package docker

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/mount"

	"github.com/deploybench/deploybench/runtime"
)

// RIEModule is the Go package of the AWS Lambda Runtime Interface Emulator; deploybench's
// go.mod pins its version (a tool line) and BuildRIE compiles it from source.
const RIEModule = "github.com/aws/aws-lambda-runtime-interface-emulator"

// RIEVersion is the emulator's module version go.mod pins (a test keeps them equal): a
// binary built once is found in the cache by it even where no go.mod is at hand.
const RIEVersion = "v0.0.0-20261030222936-bef5c4ba774d"

// rieTarget is where the emulator is mounted in a Lambda handler's container.
const rieTarget = "/aws-lambda-rie"

// rieMemoryEnv tells the emulator the function's memory setting.
const rieMemoryEnv = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"

// RIEEnv names a prebuilt static aws-lambda-rie to use instead of building one, for a
// deploybench binary run away from its source tree.
const RIEEnv = "DEPLOYBENCH_RIE"

var (
	rieMu    sync.Mutex
	rieBuilt = map[string]string{} // cache dir → binary, once built in this process
)

// BuildRIE returns a static aws-lambda-rie binary: $DEPLOYBENCH_RIE when set, else the
// one in cacheDir ("" means the user cache directory's deploybench/rie) built from the
// emulator's module at the version go.mod pins — compiled with `go build`
// (CGO_ENABLED=0) from the module cache the first time, never downloaded as a binary.
// Building needs the go command and the deploybench module (the working directory must
// be inside it); the error says what to do otherwise.
func BuildRIE(ctx context.Context, cacheDir string) (string, error) {
	if p := os.Getenv(RIEEnv); p != "" {
		if ok, err := IsStatic(p); err != nil || !ok {
			return "", fmt.Errorf("docker: %s=%s must be a static aws-lambda-rie executable (build it with CGO_ENABLED=0)", RIEEnv, p)
		}
		return filepath.Abs(p)
	}
	if cacheDir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("docker: no cache directory for the Lambda runtime interface emulator: %v (set %s)", err, RIEEnv)
		}
		cacheDir = filepath.Join(c, "deploybench", "rie")
	}
	rieMu.Lock()
	defer rieMu.Unlock()
	if p, ok := rieBuilt[cacheDir]; ok {
		return p, nil
	}
	bin := filepath.Join(cacheDir, "aws-lambda-rie-"+RIEVersion)
	if ok, err := IsStatic(bin); err == nil && ok {
		rieBuilt[cacheDir] = bin
		return bin, nil
	}
	gobin, err := goCommand()
	if err != nil {
		return "", err
	}
	if v, err := goOutput(ctx, gobin, "list", "-m", "-f", "{{.Version}}", RIEModule); err != nil || v != RIEVersion {
		return "", fmt.Errorf("docker: the Lambda Runtime Interface Emulator is built once from deploybench's go.mod: run deploybench from its source directory the first time, or set %s to a static aws-lambda-rie", RIEEnv)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("docker: %v", err)
	}
	tmp := bin + ".tmp" + strconv.Itoa(os.Getpid())
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-ldflags=-s -w", "-o", tmp, RIEModule+"/cmd/aws-lambda-rie")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("docker: go build %s/cmd/aws-lambda-rie: %v: %s", RIEModule, err, oneLine(string(out)))
	}
	if ok, err := IsStatic(tmp); err != nil || !ok {
		return "", fmt.Errorf("docker: the aws-lambda-rie built is not static (CGO_ENABLED=0 was ignored?)")
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", fmt.Errorf("docker: %v", err)
	}
	rieBuilt[cacheDir] = bin
	return bin, nil
}

// goCommand finds the go command on PATH.
func goCommand() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("docker: the Lambda runtime interface emulator is built from source and needs the go command on PATH (or set %s)", RIEEnv)
}

// goOutput runs the go command and returns its trimmed output.
func goOutput(ctx context.Context, gobin string, args ...string) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, oneLine(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}

// LambdaRIE returns a view of b that runs each instance's image as a Lambda handler
// behind the AWS Lambda Runtime Interface Emulator: rie (a static aws-lambda-rie on this
// machine, see BuildRIE) is bind-mounted read-only at /aws-lambda-rie and is the
// container's entrypoint, serving invocations on the instance's port
// (POST /2015-03-31/functions/function/invocations) and the Runtime API the handler polls
// on a second loopback port, both on the host network; the handler is the Spec's command
// or else the image's ENTRYPOINT and CMD. Readiness is the emulator accepting
// connections (it starts the handler — the function's INIT — at the first invocation).
// The view's Close does nothing: b owns the containers and removes them.
func (b *Backend) LambdaRIE(rie string) runtime.Backend { return &rieBackend{Backend: b, rie: rie} }

type rieBackend struct {
	*Backend
	rie string
}

// Start starts one execution environment's container.
func (r *rieBackend) Start(ctx context.Context, spec runtime.Spec) (runtime.Instance, error) {
	spec.HealthPath = "" // the emulator has no health path: a TCP accept is ready
	return r.Backend.start(ctx, spec, r.rie)
}

// Close leaves the containers to the backend viewed.
func (r *rieBackend) Close() error { return nil }

// rieCommand is the entrypoint and arguments of a handler's container: the emulator
// listening on 127.0.0.1:port, its Runtime API on 127.0.0.1:apiPort, then the handler's
// command (args if given, else the image's ENTRYPOINT + CMD).
func rieCommand(image string, cfg *dockerspec.DockerOCIImageConfig, args []string, port, apiPort int) ([]string, []string, error) {
	handler := slices.Clone(args)
	if len(handler) == 0 && cfg != nil {
		handler = append(slices.Clone(cfg.Entrypoint), cfg.Cmd...)
	}
	if len(handler) == 0 {
		return nil, nil, fmt.Errorf("docker: image %q has no ENTRYPOINT or CMD to run as the Lambda handler: give app.command", image)
	}
	return []string{rieTarget}, append([]string{
		"--runtime-interface-emulator-address", "127.0.0.1:" + strconv.Itoa(port),
		"--runtime-api-address", "127.0.0.1:" + strconv.Itoa(apiPort),
	}, handler...), nil
}

// rieMounts mounts the emulator read-only into the container.
func rieMounts(rie string) []mount.Mount {
	return []mount.Mount{{Type: mount.TypeBind, Source: rie, Target: rieTarget, ReadOnly: true}}
}
