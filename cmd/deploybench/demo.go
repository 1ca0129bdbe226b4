package main

import (
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
)

func init() { register(newDemoCmd) }

func newDemoCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "demo",
		Short: "Run the built-in comparison: the digit classifier on every platform (a few minutes, offline)",
		Long: `demo runs the built-in scenario (builtin:demo): the digit classifier served on every
platform deploybench models, under the same ramp of load, with control-plane delays
compressed so that it finishes in a few minutes on two cores. It prints the comparison
table and the recommendation and writes report.html into --out. It needs no network and
no files. 'deploybench run builtin:demo' is the same; 'deploybench init' writes a scenario
to edit.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, raw, err := loadScenario("builtin:demo")
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join("out", "demo-"+time.Now().Format("20060102-150405"))
			}
			return runScenario(cmd, s, raw, out)
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "results directory (default out/demo-TIMESTAMP)")
	return c
}
