package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/runtime/docker"
)

func init() { register(newImageCmd) }

// modulePath is this program's module, looked for to build a static binary from source.
const modulePath = "github.com/deploybench/deploybench"

func newImageCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "image",
		Short: "Build or load container images for runtime: docker",
		Long: `image prepares images for the docker runtime on the Docker engine (the local one, or
the one DOCKER_HOST names). Nothing is pulled: the classifier image is built FROM scratch.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	c.AddCommand(newImageBuildCmd(), newImageLoadCmd())
	return c
}

func newImageBuildCmd() *cobra.Command {
	var tag, model, binary string
	c := &cobra.Command{
		Use:   "build",
		Short: "Package the built-in classifier as a FROM scratch image (no network needed)",
		Long: `build makes an image holding nothing but a static deploybench binary (the models are
embedded in it), whose entrypoint is "deploybench serve --model MODEL" listening on
127.0.0.1:$PORT. Scenarios with runtime: docker run it for the built-in app, or name it
in app.image.

The binary is, in this order: --binary FILE; this very executable when it is statically
linked (built with CGO_ENABLED=0); or a static build made now with the Go toolchain
from this module's source, found from the current directory upwards.`,
		Example: `  deploybench image build
  deploybench image build --tag deploybench/classifier:mlp --model builtin:mlp`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !strings.HasPrefix(model, "builtin:") || len(model) == len("builtin:") {
				return usagef("--model %q: the image embeds only built-in models (builtin:svm, builtin:mlp)", model)
			}
			if tag == "" || strings.ContainsAny(tag, " \t\n") {
				return usagef("--tag %q: give NAME:TAG, e.g. %s", tag, docker.DefaultImage)
			}
			return imageBuild(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), tag, model, binary)
		},
	}
	f := c.Flags()
	f.StringVar(&tag, "tag", docker.DefaultImage, "image name and tag")
	f.StringVar(&model, "model", "builtin:svm", "built-in model the image serves")
	f.StringVar(&binary, "binary", "", "static deploybench binary to package (default: this one if static, else built now)")
	return c
}

func newImageLoadCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "load FILE",
		Short: "Load the images of a docker save tarball into the engine",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := os.Stat(args[0]); err != nil {
				return usagef("image load: %v", err)
			}
			cli, _, err := docker.Connect(cmd.Context(), "")
			if err != nil {
				return err
			}
			defer cli.Close()
			if err := docker.LoadArchive(cmd.Context(), cli, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "loaded %s\n", args[0])
			return nil
		},
	}
}

// imageBuild finds or makes a static binary and builds the classifier image from it.
func imageBuild(ctx context.Context, stdout, stderr io.Writer, tag, model, binary string) error {
	start := time.Now()
	cli, host, err := docker.Connect(ctx, "")
	if err != nil {
		return err
	}
	defer cli.Close()
	bin, cleanup, how, err := staticBinary(ctx, binary, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(stderr, "image build: packaging %s into %s on %s\n", how, tag, host)
	if err := docker.BuildImage(ctx, cli, tag, docker.ClassifierDockerfile(model),
		[]docker.ImageFile{{Name: "deploybench", Path: bin, Mode: 0o755}}, nil); err != nil {
		return err
	}
	size, err := docker.ImageSize(ctx, cli, tag)
	if err != nil {
		return err
	}
	comp, err := docker.CompressedSize(ctx, cli, tag)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built %s (%s): %.1f MB unpacked, %.1f MB compressed, in %.1fs\n",
		tag, model, float64(size)/1e6, float64(comp)/1e6, time.Since(start).Seconds())
	return nil
}

// staticBinary returns a statically linked deploybench: the one given, this executable
// if static, or one built now from the module source. cleanup removes what it made.
func staticBinary(ctx context.Context, given string, stderr io.Writer) (path string, cleanup func(), how string, err error) {
	nothing := func() {}
	if given != "" {
		static, err := docker.IsStatic(given)
		if err != nil {
			return "", nothing, "", usagef("--binary: %v", err)
		}
		if !static {
			return "", nothing, "", usagef("--binary %s is dynamically linked and cannot run FROM scratch; build it with CGO_ENABLED=0 go build ./cmd/deploybench", given)
		}
		return given, nothing, given, nil
	}
	self, err := os.Executable()
	if err == nil {
		if static, err := docker.IsStatic(self); err == nil && static {
			return self, nothing, "this executable (static)", nil
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return "", nothing, "", fmt.Errorf("image build: this deploybench is dynamically linked and %v: run it from there, or pass --binary FILE made there with CGO_ENABLED=0 go build -o FILE ./cmd/deploybench", err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", nothing, "", errors.New("image build: this deploybench is dynamically linked and no go toolchain is on PATH to build a static one; pass --binary FILE made with CGO_ENABLED=0 go build -o FILE ./cmd/deploybench")
	}
	dir, err := os.MkdirTemp("", "deploybench-image-")
	if err != nil {
		return "", nothing, "", fmt.Errorf("image build: %v", err)
	}
	cleanup = func() { os.RemoveAll(dir) }
	out := filepath.Join(dir, "deploybench")
	fmt.Fprintf(stderr, "image build: building a static deploybench (CGO_ENABLED=0 go build) from %s\n", root)
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/deploybench")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return "", nothing, "", fmt.Errorf("image build: go build: %v: %s", err, strings.TrimSpace(string(msg)))
	}
	return out, cleanup, "a static build of " + root, nil
}

// moduleRoot finds this module's source from the current directory upwards.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			sc := bufio.NewScanner(f)
			ok := sc.Scan() && strings.TrimSpace(sc.Text()) == "module "+modulePath
			f.Close()
			if ok {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("the current directory is not inside the deploybench source")
		}
		dir = parent
	}
}
