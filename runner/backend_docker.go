package runner

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"strconv"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/lambda"
	"github.com/deploybench/deploybench/runtime"
	"github.com/deploybench/deploybench/runtime/docker"
	"github.com/deploybench/deploybench/scenario"
)

// extraBackends holds the constructors of runtime backends beyond the process one, by
// scenario runtime name; defaultBackend consults it, so a backend joins the runner by
// registering here from its own file.
var extraBackends = map[string]func(fraction float64, log io.Writer) (runtime.Backend, error){}

func init() { extraBackends["docker"] = newDockerBackend }

// newDockerBackend connects to the Docker engine (DOCKER_HOST, or the local socket). An
// engine that does not answer fails the run before any platform starts, in one line.
func newDockerBackend(fraction float64, log io.Writer) (runtime.Backend, error) {
	return docker.New(context.Background(), docker.Options{VCPUFraction: fraction, Log: log})
}

// dockerImageSizeMB is the image's registry (gzip-compressed) size in MB, for the ECS
// platforms' image_size_mb when the scenario does not set it: the pull they model is
// then that of the real image. b must be the docker backend.
func dockerImageSizeMB(ctx context.Context, b runtime.Backend, image string) (float64, error) {
	db, ok := b.(*docker.Backend)
	if !ok {
		return 0, fmt.Errorf("image size: runtime %s is not docker", b.Name())
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	n, err := docker.CompressedSize(ctx, db.Client(), image)
	if err != nil {
		return 0, err
	}
	return float64(n) / 1e6, nil
}

// imageSizes caches each image's compressed size in MB (a float64 by image name):
// measuring it reads the whole image, and several platforms of a run share one image.
var imageSizes sync.Map

// fillImageSize sets an ECS platform's image_size_mb to the real image's compressed size
// when the platform runs on docker and the scenario does not set the field, so that the
// pull the platform models (at pull_throughput_mbps, ecs.DefaultPullThroughputMBps by
// default, whose source is given there) is that of the image the tasks really run. With
// the process backend the configured size (default ecs.DefaultImageSizeMB) stays.
func fillImageSize(c *ecs.ServiceConfig, settings *yaml.Node, d Deps) error {
	db, ok := d.Backend.(*docker.Backend)
	if !ok || hasKey(settings, "image_size_mb") {
		return nil
	}
	image := d.App.Image
	if image == "" {
		image = db.DefaultImage()
	}
	mb, ok := imageSizes.Load(image)
	if !ok {
		v, err := dockerImageSizeMB(context.Background(), d.Backend, image)
		if err != nil {
			return fmt.Errorf("image_size_mb: %v (or set image_size_mb)", oneLine(err.Error()))
		}
		mb, _ = imageSizes.LoadOrStore(image, v)
	}
	c.ImageSizeMB = mb.(float64)
	if d.Log != nil {
		fmt.Fprintf(d.Log, "  image_size_mb %.1f: %s gzip-compressed, pulled at %g MB/s = %s per pull (modelled)\n",
			c.ImageSizeMB, image, c.PullThroughputMBps, c.PullDuration().Round(10*time.Millisecond))
	}
	return nil
}

// hasKey reports whether a settings mapping sets key.
func hasKey(n *yaml.Node, key string) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// prepareImage makes sure the scenario's app can run on the docker engine before
// anything starts: it loads app.image_archive (a `docker save` tarball) when given,
// then checks that the app is an image (app.image, or the built-in app's image), that
// the engine has it and that the app can be told its port, so that each of these is one
// line and exit 2, not a platform failing to start. Backends other than docker are left
// alone.
func prepareImage(ctx context.Context, b runtime.Backend, app runtime.Spec, handlerType, archive string) error {
	db, ok := b.(*docker.Backend)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if archive != "" {
		if err := docker.LoadArchive(ctx, db.Client(), archive); err != nil {
			return fmt.Errorf("app.image_archive: %v", err)
		}
	}
	field := "app.image"
	if app.Image == "" {
		field = "app"
	}
	if err := db.Check(ctx, app, handlerType == scenario.HandlerRuntimeAPI); err != nil {
		return fmt.Errorf("%s: %v", field, oneLine(err.Error()))
	}
	return nil
}

// lambdaRIEDeps turns a Lambda platform's deps into those of a handler image run through
// the Runtime Interface Emulator: the docker backend's LambdaRIE view over the emulator
// built from its module (once per machine and version), readiness by TCP (the emulator
// has no health path), and the function's memory and timeout passed to the emulator.
func lambdaRIEDeps(d Deps, cfg lambda.Config) (Deps, error) {
	db, ok := d.Backend.(*docker.Backend)
	if !ok {
		return d, fmt.Errorf("app.handler_type: runtime-api needs runtime: docker (this platform runs on %s)", d.Backend.Name())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rie, err := docker.BuildRIE(ctx, "")
	if err != nil {
		return d, fmt.Errorf("app.handler_type: runtime-api: %v", oneLine(err.Error()))
	}
	d.Backend = db.LambdaRIE(rie)
	d.App.HealthPath = ""
	d.App.Env = maps.Clone(d.App.Env)
	if d.App.Env == nil {
		d.App.Env = map[string]string{}
	}
	cfg = cfg.WithDefaults()
	for k, v := range map[string]string{
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(cfg.MemoryMB),
		// Whole seconds, as the emulator reads it; the platform's own timeout governs.
		"AWS_LAMBDA_FUNCTION_TIMEOUT": strconv.Itoa(int(math.Ceil(cfg.Timeout.Seconds()))),
	} {
		if _, set := d.App.Env[k]; !set {
			d.App.Env[k] = v
		}
	}
	return d, nil
}
