package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/live"
	"github.com/deploybench/deploybench/platform/queue"
	"github.com/deploybench/deploybench/runtime"
	"github.com/spf13/cobra"
)

func init() {
	register(newQueueCmd)
	register(newQueueWorkerCmd)
}

// queueWorkerProgram is the argv prefix and environment that run `deploybench
// queue-worker` as a task: this binary. Tests point it at their own helper process.
var queueWorkerProgram = func() ([]string, map[string]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, fmt.Errorf("queue: locating this binary for the workers: %w", err)
	}
	return []string{exe}, nil, nil
}

func newQueueCmd() *cobra.Command {
	var (
		cfg      queue.Config
		memory   string
		jobWork  time.Duration
		idle     time.Duration
		ackWait  time.Duration
		out      string
		fraction float64
	)
	cmd := &cobra.Command{
		Use:   "queue",
		Short: "Run queue-driven workers: idle at 0 tasks, a burst of jobs, scale on backlog per task, back to 0",
		Long: `queue runs a service of worker tasks (real processes, sized like Fargate tasks) that pull
jobs from a NATS JetStream work queue (embedded, or --nats URL) and scale on the backlog
per task, down to zero. Each job carries a test digit the worker reads with the built-in
SVM, then keeps its CPU busy for the rest of --job-work. It idles at 0 tasks, enqueues a burst of --jobs jobs, waits until
they are done and the service is back to 0, then prints time to first task, job latency,
cost per 1,000 jobs (Fargate billing) and a timeline. Times are platform time (wall time ×
--timescale).`,
		Example: "  deploybench queue --jobs 200 --task-cpu 0.5 --task-memory 1GB --max-tasks 4 --timescale 30 --out result.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.MaxTasks < 1 {
				return usagef("--max-tasks: %d must be at least 1", cfg.MaxTasks)
			}
			gb, err := parseSize(memory, "GB")
			if err != nil {
				return usagef("--task-memory: %v", err)
			}
			cfg.TaskMemoryGB, cfg.JobWork, cfg.Idle, cfg.AckWait = gb, jobWork, idle, ackWait
			if err := cfg.Validate(); err != nil {
				return asUsage(err)
			}
			if !(fraction > 0 && fraction <= 64) {
				return usagef("--vcpu-fraction: %v must be in (0, 64]", fraction)
			}
			be, err := runtime.NewProcess(runtime.ProcessOptions{VCPUFraction: fraction})
			if err != nil {
				return err
			}
			defer be.Close()
			prog, env, err := queueWorkerProgram()
			if err != nil {
				return err
			}
			driver := func(url, stream string) (fleet.Driver, error) {
				argv := append(append([]string(nil), prog...), "queue-worker", "--nats", url, "--stream", stream, "--port", "{port}")
				return live.NewDriver(be, live.App{Command: argv, Env: env, HealthPath: "/healthz"}, fraction,
					map[string]string{"platform": "queue"})
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "queue: %d jobs, up to %d tasks, timescale %g (%s)\n",
				cfg.Jobs, cfg.WithDefaults().MaxTasks, cfg.WithDefaults().Timescale, be.Limits())
			r, err := queue.Run(cmd.Context(), cfg, queue.Env{Driver: driver})
			if err != nil {
				return err
			}
			if err := r.WriteText(cmd.OutOrStdout()); err != nil {
				return err
			}
			if out != "" {
				return writeQueueJSON(out, r)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Jobs, "jobs", 200, "jobs in the burst")
	f.DurationVar(&jobWork, "job-work", queue.DefaultJobWork, "work per job, platform time (a worker spins a CPU this long ÷ timescale)")
	f.Float64Var(&cfg.TaskCPU, "task-cpu", 0.5, "task CPU in vCPU (a Fargate size: 0.25, 0.5, 1, 2, 4, 8, 16)")
	f.StringVar(&memory, "task-memory", "1GB", "task memory (valid for --task-cpu on Fargate), e.g. 512MB, 2GB")
	f.StringVar(&cfg.Arch, "arch", "x86_64", "task architecture: x86_64 or arm64 (billing)")
	f.IntVar(&cfg.MinTasks, "min-tasks", 0, "minimum tasks")
	f.IntVar(&cfg.MaxTasks, "max-tasks", queue.DefaultMaxTasks, "maximum tasks")
	f.Float64Var(&cfg.TargetBacklogPerTask, "target-backlog", queue.DefaultTargetBacklogPerTask, "target backlog per task (jobs)")
	f.Float64Var(&cfg.Timescale, "timescale", 30, "divide every platform delay and the jobs' work by this")
	f.DurationVar(&idle, "idle", queue.DefaultIdle, "idle phase before the burst, platform time")
	f.DurationVar(&ackWait, "ack-wait", queue.DefaultAckWait, "redelivery timeout of an unacknowledged job, platform time")
	f.StringVar(&cfg.NATSURL, "nats", "", "external NATS server URL with JetStream (default: an embedded server on 127.0.0.1)")
	f.StringVar(&cfg.Stream, "stream", queue.DefaultStream, "JetStream stream name")
	f.BoolVar(&cfg.Classify, "classify", true, "put a test digit in every job for the worker to read with the built-in SVM")
	f.StringVar(&cfg.Region, "region", "us-east-1", "AWS region whose Fargate prices to use")
	f.Float64Var(&fraction, "vcpu-fraction", runtime.DefaultVCPUFraction, "share of a host core one emulated vCPU gets")
	f.StringVar(&out, "out", "", "write the result as JSON to this file")
	return cmd
}

func writeQueueJSON(path string, r *queue.Result) error {
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if err := r.WriteJSON(fh); err != nil {
		fh.Close()
		return fmt.Errorf("--out: %w", err)
	}
	return fh.Close()
}

func newQueueWorkerCmd() *cobra.Command {
	var o queue.WorkerOptions
	cmd := &cobra.Command{
		Use:    "queue-worker",
		Short:  "Worker task of `deploybench queue` (internal)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.URL == "" {
				return usagef("--nats: a NATS URL is required")
			}
			if o.Port == "" {
				o.Port = os.Getenv("PORT")
			}
			if o.Port != "" {
				if p, err := strconv.Atoi(o.Port); err != nil || p < 1 || p > 65535 {
					return usagef("--port: %q is not a TCP port", o.Port)
				}
			}
			o.Log = cmd.ErrOrStderr()
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return queue.RunWorker(ctx, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.URL, "nats", "", "NATS server URL")
	f.StringVar(&o.Stream, "stream", queue.DefaultStream, "JetStream stream name")
	f.StringVar(&o.Port, "port", "", "port of the /healthz endpoint (default $PORT)")
	return cmd
}
