package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/deploybench/deploybench/report"
	"github.com/deploybench/deploybench/runner"
	"github.com/deploybench/deploybench/scenario"
)

func init() { register(newRunCmd) }

func newRunCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "run SCENARIO.yaml|builtin:NAME",
		Short: "Run a scenario on every platform it lists and write the report",
		Long: `run starts each platform of the scenario in turn with a fresh fleet, sends the same
load to each, streams the measurements into --out as they are taken, bills each platform
with its own pricing rules, and writes the comparison table, summary.json/CSV and
report.html. Built-in scenarios: ` + listBuiltins() + `.

Ctrl-C stops the run cleanly: what was measured stays in --out, marked partial, and
'deploybench report DIR' rebuilds the report from it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, raw, err := loadScenario(args[0])
			if err != nil {
				return asUsage(err)
			}
			if out == "" {
				out = filepath.Join("out", s.Name+"-"+time.Now().Format("20060102-150405"))
			}
			return runScenario(cmd, s, raw, out)
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "results directory (default out/NAME-TIMESTAMP)")
	return c
}

// loadScenario reads a scenario file, or a built-in scenario by name.
func loadScenario(arg string) (*scenario.Scenario, []byte, error) {
	if name, ok := cutPrefix(arg, "builtin:"); ok {
		raw, err := scenario.Builtin(name)
		if err != nil {
			return nil, nil, err
		}
		s, err := scenario.Parse(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("builtin:%s: %w", name, err)
		}
		return s, raw, nil
	}
	raw, err := os.ReadFile(arg)
	if err != nil {
		return nil, nil, fmt.Errorf("scenario: %w", err)
	}
	s, err := scenario.Parse(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", arg, err)
	}
	s.Dir = filepath.Dir(arg)
	return s, raw, nil
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

func listBuiltins() string {
	names := scenario.BuiltinNames()
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += "builtin:" + n
	}
	return s
}

// runScenario runs s, then writes and prints the report; shared by run and demo.
func runScenario(cmd *cobra.Command, s *scenario.Scenario, raw []byte, out string) error {
	stderr := cmd.ErrOrStderr()
	opts := runner.Options{OutDir: out, ScenarioYAML: raw, Log: stderr}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opts.Progress = stderr
	}
	plan, err := runner.Prepare(s, opts)
	if err != nil {
		if errors.Is(err, scenario.ErrInvalid) {
			return asUsage(err)
		}
		return err
	}
	defer plan.Close()
	fmt.Fprintf(stderr, "deploybench: scenario %q, %d platforms, timescale %gx, results streaming to %s\n", s.Name, len(s.Platforms), s.Timescale, out)
	_, runErr := plan.Run(cmd.Context())
	if runErr != nil && !errors.Is(runErr, runner.ErrInterrupted) {
		return runErr
	}
	l, files, err := report.Write(out)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	fmt.Fprintln(w)
	if err := report.Table(w, l.Run); err != nil {
		return err
	}
	if err := report.StartupTable(w, report.StartupRows(l.Run, l.Events)); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nreport: %s\nsummary: %s, %s\n", files.HTML, files.JSON, files.CSV)
	if runErr != nil {
		return fmt.Errorf("%w; rebuild the report later with 'deploybench report %s'", runErr, out)
	}
	var failed []string
	why := ""
	for _, p := range l.Run.Platforms {
		if p.Status == "failed" {
			failed = append(failed, p.Name)
			if why == "" && p.Error != "" {
				// The first reason goes on the last line, so that the line a user reads
				// (or a script keeps) says what went wrong, not only where.
				why = fmt.Sprintf("; %s: %s", p.Name, p.Error)
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d platforms failed (%s)%s; the report shows the rest", len(failed), len(l.Run.Platforms), strings.Join(failed, ", "), why)
	}
	return nil
}
