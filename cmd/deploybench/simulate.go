package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/deploybench/deploybench/report"
	"github.com/deploybench/deploybench/sim"
	"github.com/deploybench/deploybench/sim/calibration"
	"github.com/deploybench/deploybench/sim/traffic"
	simvalidate "github.com/deploybench/deploybench/sim/validate"
)

func init() { register(newSimulateCmd) }

func newSimulateCmd() *cobra.Command {
	var (
		out, trafficSpec, mode, calPath, validate string
		days, timescale, fraction                 float64
		seed                                      uint64
		servers                                   int
	)
	c := &cobra.Command{
		Use:   "simulate SCENARIO.yaml|builtin:NAME",
		Short: "Simulate a scenario's platforms at production scale on a virtual clock",
		Long: `simulate runs the scenario's platforms — the same autoscaling, load balancing and
lifecycle code as 'run' — on a virtual clock with modelled instances whose service times
come from a calibration ('deploybench calibrate'; the built-in classifier's ships). It
writes the same results directory as 'run', marked simulated, and prints the report.

Without --traffic every platform gets the scenario's load. With --traffic it gets a
long-horizon shape for --days days instead, at timescale 1:
  diurnal:peak=5000,trough=300[,noise=0.1]   weekly:peak=…,trough=…[,weekend=0.6]
  flash:base=200,peak=5000[,at=6h,rise=2m,hold=15m,decay=30m]   constant:rate=1000
--mode request simulates every request; aggregate advances second by second with a
queueing approximation; auto (default) picks request mode up to 200 M requests.

--validate LIVE_DIR compares the simulation with a live results directory of the same
scenario and prints the side-by-side table (exit 3 when outside the tolerances).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, raw, err := loadScenario(args[0])
			if err != nil {
				return asUsage(err)
			}
			if servers < 0 {
				return usagef("--servers: must be ≥ 0 (0: processor sharing), got %d", servers)
			}
			o := sim.Options{ScenarioYAML: raw, Days: days, Seed: seed, Mode: mode, Timescale: timescale,
				VCPUFraction: fraction, Servers: servers, Log: cmd.ErrOrStderr()}
			if trafficSpec != "" {
				t, err := traffic.Parse(trafficSpec)
				if err != nil {
					return asUsage(err)
				}
				o.Traffic = &t
			} else if cmd.Flags().Changed("days") {
				return usagef("--days: only applies with --traffic (e.g. --traffic diurnal:peak=5000,trough=300 --days 30)")
			}
			if calPath != "" {
				cal, err := calibration.Read(calPath)
				if err != nil {
					return asUsage(err)
				}
				o.Calibration = cal
				notes, err := sim.ApplyAWSTimes(s, cal)
				if err != nil {
					return asUsage(err)
				}
				for _, n := range notes {
					fmt.Fprintln(cmd.ErrOrStderr(), "calibration from AWS:", n)
				}
			}
			if validate != "" {
				// The simulation reports its latency over the seconds the live run kept
				// (those that were not host stalls), so the two compare like with like.
				if o.LeaveOut, err = simvalidate.LeaveOut(validate); err != nil {
					return asUsage(err)
				}
			}
			if out == "" {
				out = filepath.Join("out", s.Name+"-simulated")
			}
			o.OutDir = out
			if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				o.Progress = f
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "deploybench: simulating %q, %d platforms, results in %s\n", s.Name, len(s.Platforms), out)
			if _, err := sim.Simulate(cmd.Context(), s, o); err != nil {
				if errors.Is(err, sim.ErrBadInput) {
					return asUsage(err)
				}
				return err
			}
			l, files, err := report.Write(out)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if err := report.Table(w, l.Run); err != nil {
				return err
			}
			fmt.Fprintf(w, "\nreport: %s\nsummary: %s, %s\n", files.HTML, files.JSON, files.CSV)
			if validate != "" {
				v, err := simvalidate.Compare(validate, out)
				if err != nil {
					return asUsage(err)
				}
				fmt.Fprintln(w)
				v.Table(w)
				if !v.OK() {
					return thresholdError{errors.New("simulation and live run disagree beyond the tolerances (see the table)")}
				}
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVarP(&out, "out", "o", "", "results directory (default out/NAME-simulated)")
	f.StringVar(&trafficSpec, "traffic", "", "long-horizon traffic shape instead of the scenario's load, e.g. diurnal:peak=5000,trough=300")
	f.Float64Var(&days, "days", 1, "days of --traffic to simulate")
	f.Uint64Var(&seed, "seed", 0, "seed for arrivals and service times (default: the load's seed, else 1)")
	f.StringVar(&mode, "mode", "auto", "auto, request (every request) or aggregate (per-second queueing approximation)")
	f.StringVar(&calPath, "calibration", "", "calibration file from 'deploybench calibrate' (default: the built-in model's)")
	f.Float64Var(&timescale, "timescale", 0, "control-plane time compression (default: the scenario's, or 1 with --traffic)")
	f.Float64Var(&fraction, "vcpu-fraction", 0, "share of a host core per emulated vCPU (default: the scenario's)")
	f.StringVar(&validate, "validate", "", "live results directory of the same scenario to compare with")
	f.IntVar(&servers, "servers", 0, "requests one instance serves at once, the others queueing first come first served, as an app with that many workers does (default 0: all at once, processor sharing)")
	return c
}
