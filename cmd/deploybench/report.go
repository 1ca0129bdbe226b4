package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/report"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "report DIR | report LOCAL_DIR AWS_DIR",
		Short: "Rebuild the table, summary.json/CSV and report.html from a results directory, or set a local run beside an AWS run",
		Long: `report reads a results directory written by 'deploybench run' or 'deploybench simulate'
(complete or interrupted) and writes summary.json, summary.csv and report.html into it,
printing the comparison table. Nothing is re-run.

Given two directories — a local run (run or simulate) and the same scenario measured on
real AWS by 'deploybench aws run' — it prints them side by side, platform by platform,
with the differences (p50/p95/p99, error rate, $/h at peak, $/M requests, peak
instances/tasks/environments), and writes compare.html and compare.csv into --out
(default: the AWS directory).`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			if len(args) == 2 {
				dir := out
				if dir == "" {
					dir = args[1]
				}
				c, files, err := report.WriteCompare(args[0], args[1], dir)
				if err != nil {
					return asUsage(err)
				}
				if err := report.CompareTable(w, c); err != nil {
					return err
				}
				fmt.Fprintf(w, "\ncompare: %s, %s\n", files.HTML, files.CSV)
				return nil
			}
			if out != "" {
				return usagef("--out: only used with two directories (LOCAL_DIR AWS_DIR); one directory's report is written into it")
			}
			l, files, err := report.Write(args[0])
			if err != nil {
				return asUsage(err)
			}
			if err := report.Table(w, l.Run); err != nil {
				return err
			}
			if err := report.StartupTable(w, report.StartupRows(l.Run, l.Events)); err != nil {
				return err
			}
			fmt.Fprintf(w, "\nreport: %s\nsummary: %s, %s\n", files.HTML, files.JSON, files.CSV)
			return nil
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "with LOCAL_DIR AWS_DIR: where compare.html and compare.csv go (default AWS_DIR)")
	return c
}
