package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/runtime"
	"github.com/deploybench/deploybench/runtime/docker"
)

func init() { register(newGCCmd) }

// gcEngineTimeout bounds gc's look at the Docker engine, so that gc on a machine without
// one is not held up.
const gcEngineTimeout = 30 * time.Second

func newGCCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "gc",
		Short: "Remove what runs that died left behind (cgroups, log directories, containers)",
		Long: `gc removes the cgroups and temporary log directories of deploybench runs whose process
no longer exists (killed with SIGKILL, a crash). Processes still inside such a cgroup are
killed. With a Docker engine reachable (the local one, or DOCKER_HOST), it also removes
the containers labelled deploybench.run by such runs. Runs that are alive are never
touched; without an engine, containers are skipped and gc says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			removed, err := runtime.GC(runtime.RunPrefix)
			for _, p := range removed {
				fmt.Fprintf(out, "removed %s\n", p)
			}
			containers, noEngine, cerr := gcContainers(cmd.Context())
			for _, c := range containers {
				fmt.Fprintf(out, "removed container %s\n", c)
			}
			if noEngine != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "gc: containers not checked: %v\n", noEngine)
			}
			if err := errors.Join(err, cerr); err != nil {
				return err
			}
			if len(removed)+len(containers) == 0 {
				fmt.Fprintln(out, "nothing left behind")
			}
			return nil
		},
	}
}

// gcContainers removes the labelled containers of dead runs from the engine. No engine
// to look at is not a failure: it is returned as noEngine, for gc to mention.
func gcContainers(ctx context.Context) (removed []string, noEngine, err error) {
	ctx, cancel := context.WithTimeout(ctx, gcEngineTimeout)
	defer cancel()
	cli, _, err := docker.Connect(ctx, "")
	if err != nil {
		return nil, err, nil
	}
	defer cli.Close()
	removed, err = docker.GC(ctx, cli)
	return removed, nil, err
}
