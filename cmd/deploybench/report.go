package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/report"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report DIR",
		Short: "Rebuild the table, summary.json/CSV and report.html from a results directory",
		Long: `report reads a results directory written by 'deploybench run' or 'deploybench simulate'
(complete or interrupted) and writes summary.json, summary.csv and report.html into it,
printing the comparison table. Nothing is re-run.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, files, err := report.Write(args[0])
			if err != nil {
				return asUsage(err)
			}
			out := cmd.OutOrStdout()
			if err := report.Table(out, l.Run); err != nil {
				return err
			}
			if err := report.StartupTable(out, report.StartupRows(l.Run, l.Events)); err != nil {
				return err
			}
			fmt.Fprintf(out, "\nreport: %s\nsummary: %s, %s\n", files.HTML, files.JSON, files.CSV)
			return nil
		},
	}
}
