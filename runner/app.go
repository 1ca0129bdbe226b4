package runner

import (
	"strconv"

	"github.com/deploybench/deploybench/runtime"
	"github.com/deploybench/deploybench/scenario"
)

// builtinMaxInflight is the built-in server's in-flight limit on platforms.
const builtinMaxInflight = 1024

// appSpec turns the scenario's app into the template every instance is started from.
// The built-in classifier runs as this very binary's serve command, so nothing needs
// installing.
func appSpec(s *scenario.Scenario, selfExe string) (runtime.Spec, error) {
	spec := runtime.Spec{HealthPath: s.App.HealthPath, Env: map[string]string{}, Image: s.App.Image}
	for k, v := range s.App.Env {
		spec.Env[k] = v
	}
	switch {
	case s.App.Builtin != "":
		// The reference studies' servers queued requests without bound; serve's default
		// sheds load beyond 4×GOMAXPROCS in flight. On platforms it is started with a
		// deep queue so saturation shows as latency (and scaling), not as 503s.
		spec.Command = []string{selfExe, "serve", "--model", "builtin:" + s.App.Builtin, "--addr", "127.0.0.1:{port}",
			"--max-inflight", strconv.Itoa(builtinMaxInflight)}
	case len(s.App.Command) > 0:
		spec.Command = append([]string(nil), s.App.Command...)
	}
	return spec, nil
}
