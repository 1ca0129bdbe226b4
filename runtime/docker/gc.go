package docker

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"syscall"

	"github.com/moby/moby/client"

	"github.com/deploybench/deploybench/runtime"
)

// GC removes the containers of runs that died without Close (killed with SIGKILL, a
// crash): every container labelled LabelRun whose owner pid, named in the label, no
// longer exists on this machine. Containers of live runs are never touched. It returns
// the removed containers' names.
//
// The pid is checked on this machine: with DOCKER_HOST naming another machine's engine,
// run gc where the runs ran.
func GC(ctx context.Context, cli *client.Client) ([]string, error) {
	return removeLabelled(ctx, cli, LabelRun, func(labels map[string]string) bool {
		return runIsDead(labels[LabelRun])
	})
}

// runIsDead reports whether a run label (RunPrefix + pid + "-" + id) names a process
// that is gone. Labels that do not follow the pattern are left alone.
func runIsDead(run string) bool {
	rest, ok := strings.CutPrefix(run, runtime.RunPrefix)
	if !ok {
		return false
	}
	pidText, _, ok := strings.Cut(rest, "-")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return false
	}
	err = syscall.Kill(pid, 0)
	return errors.Is(err, syscall.ESRCH)
}
