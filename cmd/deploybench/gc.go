package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/runtime"
)

func init() { register(newGCCmd) }

func newGCCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "gc",
		Short: "Remove what runs that died left behind (cgroups, log directories)",
		Long: `gc removes the cgroups and temporary log directories of deploybench runs whose process
no longer exists (killed with SIGKILL, a crash). Processes still inside such a cgroup are
killed. Runs that are alive are never touched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			removed, err := runtime.GC(runtime.RunPrefix)
			for _, p := range removed {
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", p)
			}
			if err != nil {
				return err
			}
			if len(removed) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "nothing left behind")
			}
			return nil
		},
	}
}
