package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/mnist"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/runtime"
	"github.com/deploybench/deploybench/sim/calibrate"
	"github.com/deploybench/deploybench/sim/calibration"
)

func init() { register(newCalibrateCmd) }

func newCalibrateCmd() *cobra.Command {
	var (
		app, command, health, path, body, ctype, out string
		from, base                                   string
		vcpus                                        []float64
		fraction                                     float64
		requests                                     int64
		rate                                         float64
	)
	c := &cobra.Command{
		Use:   "calibrate --out cal.json [--app builtin:svm | --command 'server --port {port}' | --from AWS_DIR]",
		Short: "Measure an app's start-up time, memory and per-request service time for the simulator, or read start-up times from an AWS run",
		Long: `calibrate starts the app for real with the process backend at a few emulated vCPU
allowances, times exec → healthy, sends it a low open-model Poisson load (after a
warm-up) with the load generator, and reads its CPU and memory from the backend. The calibration file
it writes feeds 'deploybench simulate --calibration'.

With --from AWS_DIR (a results directory of 'deploybench aws run') nothing is started:
the EC2 launch → running, ECS service create → stable and Lambda cold-start (INIT)
times measured on AWS are read from its events and CloudWatch series and written, beside the app's own
measurements (--base FILE, or the built-in calibration of --app), into the calibration
file. The simulator then uses them for every platform whose scenario sets no delay of
its own, and says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--out: required (the calibration file to write)")
			}
			if from != "" {
				return calibrateFromAWS(cmd, from, base, app, command, out)
			}
			if base != "" {
				return usagef("--base: only used with --from AWS_DIR")
			}
			o := calibrate.Options{Allowances: vcpus, Requests: requests, Rate: rate, Path: path, Body: body, ContentType: ctype, Log: cmd.ErrOrStderr()}
			switch {
			case command != "" && cmd.Flags().Changed("app"):
				return usagef("--app and --command: give one of them")
			case command != "":
				o.App = runtime.Spec{Command: strings.Fields(command), HealthPath: health}
				o.Name = command
				if o.App.HealthPath == "" {
					o.App.HealthPath = "/"
				}
			default:
				model, ok := strings.CutPrefix(app, "builtin:")
				if !ok || (model != "svm" && model != "mlp") {
					return usagef("--app: %q is not a built-in app (use builtin:svm or builtin:mlp, or --command)", app)
				}
				exe, err := os.Executable()
				if err != nil {
					return err
				}
				o.App = runtime.Spec{Command: []string{exe, "serve", "--model", app, "--addr", "127.0.0.1:{port}"}, HealthPath: "/healthz"}
				o.Name = app
				if o.Path == "" {
					o.Path = "/predict"
				}
				if o.Body == "" {
					dir, err := os.MkdirTemp("", "deploybench-calibrate-")
					if err != nil {
						return err
					}
					defer os.RemoveAll(dir)
					if err := mnist.WriteDigitPNGs(dir, 200); err != nil {
						return err
					}
					o.Body, o.ContentType = dir, "image/png"
				}
			}
			b, err := runtime.NewProcess(runtime.ProcessOptions{VCPUFraction: fraction})
			if err != nil {
				return err
			}
			defer b.Close()
			o.Backend = b
			fmt.Fprintf(cmd.ErrOrStderr(), "calibrating %s (%s) at %v vCPU …\n", o.Name, b.Limits(), o.Allowances)
			cal, err := calibrate.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if err := results.WriteJSONFile(out, cal); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "calibration: %s (start %.0f ms, memory %.1f MiB)\n", out, cal.StartupMs, cal.MemoryMiB)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&app, "app", "builtin:svm", "built-in app to measure: builtin:svm or builtin:mlp")
	f.StringVar(&command, "command", "", "your HTTP server's command line; {port} is replaced by its port")
	f.StringVar(&health, "health-path", "", "health path of --command (default /)")
	f.StringVar(&path, "path", "", "request path (default /predict for the built-in app)")
	f.StringVar(&body, "body", "", "request body file, or a directory of bodies sent round robin")
	f.StringVar(&ctype, "content-type", "", "Content-Type of the body")
	f.Float64SliceVar(&vcpus, "vcpu", calibrate.DefaultAllowances, "emulated vCPU allowances to measure")
	f.Float64Var(&fraction, "vcpu-fraction", 0.25, "share of a host core one emulated vCPU gets")
	f.Int64Var(&requests, "requests", 1000, "timed requests per allowance")
	f.Float64Var(&rate, "rate", 50, "open-model rate (req/s, Poisson) of the timed requests: low, so nothing queues")
	f.StringVarP(&out, "out", "o", "", "calibration file to write")
	f.StringVar(&from, "from", "", "results directory of 'deploybench aws run' to read start-up times from (nothing is started)")
	f.StringVar(&base, "base", "", "with --from: the app's calibration file to add the AWS times to (default: the built-in one of --app)")
	return c
}

// calibrateFromAWS writes base (a calibration file, or --app's built-in one) with the
// start-up times of the AWS run in dir added.
func calibrateFromAWS(cmd *cobra.Command, dir, base, app, command, out string) error {
	if command != "" {
		return usagef("--from and --command: --from starts nothing; give --base FILE, your app's calibration, instead")
	}
	var cal *calibration.Calibration
	var err error
	if base != "" {
		cal, err = calibration.Read(base)
	} else {
		model, ok := strings.CutPrefix(app, "builtin:")
		if !ok {
			return usagef("--app: %q is not a built-in app (use builtin:svm or builtin:mlp, or --base FILE)", app)
		}
		cal, err = calibration.Builtin(model)
	}
	if err != nil {
		return asUsage(err)
	}
	times, notes, err := calibrate.FromAWS(dir)
	if err != nil {
		return asUsage(err)
	}
	for _, n := range notes {
		fmt.Fprintln(cmd.ErrOrStderr(), "calibrate:", n)
	}
	if err := results.WriteJSONFile(out, calibrate.WithAWS(cal, times)); err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "calibration: %s (%s + start-up times from %s)\n", out, cal.App, times.From)
	for _, m := range []struct {
		name string
		ms   float64
		n    int
	}{{"EC2 launch → running", times.EC2LaunchMs, times.EC2LaunchSamples}, {"ECS service → stable", times.TaskStartMs, times.TaskStartSamples},
		{"Lambda cold start (INIT)", times.ColdStartMs, times.ColdStartSamples}} {
		if m.n > 0 {
			fmt.Fprintf(w, "  %-26s %8.0f ms  (median of %d)\n", m.name, m.ms, m.n)
		}
	}
	return nil
}
