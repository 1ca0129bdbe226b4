package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/deploybench/deploybench/aws/awsrun"
	"github.com/deploybench/deploybench/aws/ecrpush"
	"github.com/deploybench/deploybench/aws/export"
	"github.com/deploybench/deploybench/report"
	"github.com/deploybench/deploybench/runtime/docker"
	"github.com/deploybench/deploybench/scenario"
)

func init() { register(newAWSCmd) }

func newAWSCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "aws",
		Short: "Run a scenario on a real AWS account, or remove what a run left behind",
		Long: `aws run deploys each platform of a scenario as a CloudFormation stack in your account,
sends the scenario's load to each from this machine, reads CloudWatch back, writes the
results like a local run (marked aws) and deletes every stack. aws cleanup removes
deploybench stacks a run left behind.

Credentials come from the AWS SDK's default chain (environment, shared config and
--profile, SSO, instance role). With CI=true in the environment both commands refuse to
run without --endpoint, and refuse any endpoint that is not loopback, so that no test
ever talks to real AWS.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	c.AddCommand(newAWSRunCmd(), newAWSCleanupCmd())
	return c
}

// awsFlags are the connection flags both aws subcommands take.
type awsFlags struct {
	region, profile, endpoint string
}

func (f *awsFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.region, "region", "", "AWS region (default: from the AWS config, else the scenario's region)")
	c.Flags().StringVar(&f.profile, "profile", "", "named profile of the shared AWS config")
	c.Flags().StringVar(&f.endpoint, "endpoint", "", "send every AWS API call to this URL instead of AWS (a local fake, for tests; a loopback endpoint is given dummy credentials)")
}

// awsConfig loads the SDK configuration. A loopback endpoint is a local fake: it gets
// dummy credentials, so that no real credential ever signs a request to it.
func (f *awsFlags) awsConfig(ctx context.Context, fallbackRegion string) (aws.Config, error) {
	if err := awsrun.CheckEndpoint(f.endpoint, os.Getenv("CI") == "true"); err != nil {
		return aws.Config{}, usageError{err}
	}
	var opts []func(*config.LoadOptions) error
	if f.region != "" {
		opts = append(opts, config.WithRegion(f.region))
	}
	if f.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(f.profile))
	}
	local := f.endpoint != "" && isLoopbackURL(f.endpoint)
	if local {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("DEPLOYBENCHFAKE", "fake", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, usagef("AWS configuration: %v (check --profile and ~/.aws/config)", err)
	}
	if cfg.Region == "" {
		cfg.Region = fallbackRegion
	}
	if cfg.Region == "" {
		return cfg, usagef("no AWS region: pass --region, e.g. --region us-east-1")
	}
	if f.endpoint != "" {
		cfg.BaseEndpoint = aws.String(f.endpoint)
	}
	return cfg, nil
}

func isLoopbackURL(u string) bool {
	host := u
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	host, _, _ = strings.Cut(host, "/")
	if h, _, ok := strings.Cut(strings.TrimPrefix(host, "["), "]"); ok {
		return awsrun.IsLoopback(h)
	}
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	return awsrun.IsLoopback(host)
}

// confirmer returns a typed confirmation prompt when stdin is a terminal, nil otherwise
// (nobody can answer: the command then refuses without --yes).
func confirmer(cmd *cobra.Command) func(string) (bool, error) {
	f, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(prompt string) (bool, error) {
		fmt.Fprint(cmd.ErrOrStderr(), prompt)
		line, err := bufio.NewReader(f).ReadString('\n')
		if err != nil && line == "" {
			return false, err
		}
		return strings.TrimSpace(line) == "yes", nil
	}
}

// interrupts returns a context for the deletion that ends on the second interrupt: the
// first one ends the run's own context (main's signal handling), the deletion goes on.
func interrupts(ctx context.Context) (context.Context, func()) {
	cleanupCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case <-ch:
				if n++; n >= 2 {
					cancel()
				}
			case <-done:
				return
			}
		}
	}()
	return cleanupCtx, func() { signal.Stop(ch); close(done); cancel() }
}

type awsRunOptions struct {
	awsFlags
	out, imageURI, runID, allowedCIDR, repository string
	maxCost                                       float64
	yes                                           bool
	parallel                                      int
	params                                        []string
	loadLimit, poll, metricsWait                  time.Duration
}

func newAWSRunCmd() *cobra.Command {
	var o awsRunOptions
	c := &cobra.Command{
		Use:   "run SCENARIO.yaml|builtin:NAME --out DIR",
		Short: "Deploy each platform to AWS, load it from here, read CloudWatch, delete everything",
		Long: `run goes plan → image → create → load → CloudWatch → delete:

  1. plan: prints every stack and its resources and the run's estimated cost, itemised
     from the embedded price catalog; --max-cost refuses a higher estimate; nothing is
     created without --yes or a typed "yes" on a terminal;
  2. image: pushes the app's image (app.image, or the built-in classifier's
     ` + docker.DefaultImage + `) to ECR, unless --image-uri names one;
  3. creates the stacks (at most --parallel at once), printing their events, and waits
     for CREATE_COMPLETE and each stack's EndpointURL;
  4. sends the scenario's load to each endpoint from this machine, streamed into --out
     like a local run ('deploybench report DIR' reads it);
  5. reads CloudWatch back (instances or tasks, CPU, ALB requests and response time,
     Lambda concurrency, duration and init duration) into each platform's cloudwatch.json;
  6. deletes every stack, on success, on failure and on Ctrl-C. A second Ctrl-C stops
     waiting for the deletion and prints what is left and the cleanup command.

Every stack is tagged deploybench:run-id, deploybench:scenario and deploybench:platform.`,
		Example: `  deploybench aws run builtin:serverless-vs-serverful --out out/aws --allowed-cidr 203.0.113.7/32 --max-cost 2
  go run ./cmd/awsfake --addr 127.0.0.1:4566 &
  deploybench aws run builtin:demo --out out/fake --endpoint http://127.0.0.1:4566 --image-uri example/app:1 --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAWS(cmd, args[0], o)
		},
	}
	o.awsFlags.add(c)
	f := c.Flags()
	f.StringVarP(&o.out, "out", "o", "", "results directory (required)")
	f.StringVar(&o.imageURI, "image-uri", "", "image already in a registry the stacks can pull; skips the push")
	f.StringVar(&o.repository, "repository", "deploybench", "ECR repository the image is pushed to")
	f.Float64Var(&o.maxCost, "max-cost", 0, "refuse the run if its estimated cost is above this many US dollars (0: no limit)")
	f.BoolVarP(&o.yes, "yes", "y", false, "create the stacks without asking")
	f.IntVar(&o.parallel, "parallel", 3, "stacks created at once")
	f.StringVar(&o.runID, "run-id", "", "run id in the stack names and tags (default: a fresh one)")
	f.StringVar(&o.allowedCIDR, "allowed-cidr", "", "IPv4 range allowed to reach the endpoints, e.g. your public IP as 203.0.113.7/32 (required for real AWS; 127.0.0.1/32 with a loopback --endpoint)")
	f.StringArrayVar(&o.params, "parameter", nil, "template parameter KEY=VALUE, e.g. VpcId=vpc-123 (repeatable)")
	f.DurationVar(&o.loadLimit, "load-limit", 0, "stop each platform's load after this long (0: the scenario's full load)")
	f.DurationVar(&o.poll, "poll", 5*time.Second, "interval between stack status checks")
	f.DurationVar(&o.metricsWait, "metrics-wait", -1, "wait this long after each load before reading CloudWatch (default 2m on AWS, 0 with --endpoint)")
	return c
}

func runAWS(cmd *cobra.Command, arg string, o awsRunOptions) error {
	ctx := cmd.Context()
	// The guard first: under CI nothing else is looked at before the endpoint is safe.
	if err := awsrun.CheckEndpoint(o.endpoint, os.Getenv("CI") == "true"); err != nil {
		return usageError{err}
	}
	s, raw, err := loadScenario(arg)
	if err != nil {
		return asUsage(err)
	}
	switch {
	case o.out == "":
		return usagef("aws run: --out DIR is required (the results directory)")
	case o.parallel < 1:
		return usagef("aws run: --parallel %d: give at least 1", o.parallel)
	case o.poll <= 0:
		return usagef("aws run: --poll %s: give a positive interval, e.g. 5s", o.poll)
	case o.loadLimit < 0:
		return usagef("aws run: --load-limit %s is negative", o.loadLimit)
	}
	params := map[string]string{}
	for _, p := range o.params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return usagef("aws run: --parameter %q: want KEY=VALUE, e.g. VpcId=vpc-0123", p)
		}
		params[k] = v
	}
	if o.allowedCIDR == "" {
		if o.endpoint == "" || !isLoopbackURL(o.endpoint) {
			return usagef("aws run: --allowed-cidr is required: the IPv4 range your load comes from, e.g. your public IP as 203.0.113.7/32")
		}
		o.allowedCIDR = "127.0.0.1/32"
	}
	if o.metricsWait < 0 {
		o.metricsWait = 2 * time.Minute // CloudWatch publishes a datapoint up to ~2 minutes late
		if o.endpoint != "" {
			o.metricsWait = 0
		}
	}
	cfg, err := o.awsConfig(ctx, s.Region)
	if err != nil {
		return err
	}
	if o.runID == "" {
		o.runID = awsrun.NewRunID(time.Now())
	}
	cleanupCtx, stop := interrupts(ctx)
	defer stop()
	var pusher awsrun.ImagePusher
	if o.imageURI == "" {
		pusher = &lazyPusher{ecr: ecr.NewFromConfig(cfg), progress: cmd.ErrOrStderr()}
	}
	allowed := o.allowedCIDR
	res, err := awsrun.Run(ctx, awsrun.Options{
		Scenario: s, ScenarioYAML: raw, OutDir: o.out, Clients: awsrun.NewClients(cfg), Region: cfg.Region,
		RunID: o.runID, ImageURI: o.imageURI, Pusher: pusher, LocalImage: docker.DefaultImage, Repository: o.repository,
		Parameters: params, MaxCost: o.maxCost, Yes: o.yes, Confirm: confirmer(cmd), Parallel: o.parallel, Poll: o.poll,
		LoadLimit: o.loadLimit, MetricsWait: o.metricsWait, CleanupContext: cleanupCtx, Out: cmd.ErrOrStderr(),
		Export: func(s *scenario.Scenario, runID string) ([]awsrun.Stack, error) {
			return exportStacks(s, runID, allowed)
		},
	})
	switch {
	case err == nil:
	case errors.Is(err, scenario.ErrInvalid), errors.Is(err, export.ErrInvalid), errors.Is(err, awsrun.ErrOverBudget), errors.Is(err, awsrun.ErrNotConfirmed):
		return usageError{err}
	default:
		return err
	}
	// The same table, summary and HTML report as a local run.
	l, files, err := report.Write(o.out)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if err := report.Table(w, l.Run); err != nil {
		return err
	}
	fmt.Fprintf(w, "\naws run %s: %d platforms measured; report: %s; beside a local run: deploybench report LOCAL_DIR %s\n", res.RunID, len(res.Run.Platforms), files.HTML, o.out)
	return nil
}

// exportStacks adapts the CloudFormation export to the run: each template as compact
// JSON (CloudFormation takes at most 51,200 bytes of TemplateBody).
func exportStacks(s *scenario.Scenario, runID, allowedCIDR string) ([]awsrun.Stack, error) {
	stacks, err := export.CloudFormation(s, export.Options{RunID: runID, AllowedCIDR: allowedCIDR})
	if err != nil {
		return nil, err
	}
	out := make([]awsrun.Stack, len(stacks))
	for i, st := range stacks {
		b, err := st.Template.JSON()
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", st.Name, err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			return nil, fmt.Errorf("stack %s: %w", st.Name, err)
		}
		out[i] = awsrun.Stack{Platform: st.Platform, Kind: st.Kind, Name: st.Name, Template: compact.Bytes()}
	}
	return out, nil
}

// lazyPusher connects to the Docker engine only when an image is actually pushed.
type lazyPusher struct {
	ecr      ecrpush.ECRAPI
	progress io.Writer
}

func (p *lazyPusher) Push(ctx context.Context, localImage, repo string) (string, error) {
	cli, _, err := docker.Connect(ctx, "")
	if err != nil {
		return "", fmt.Errorf("%w (start Docker, or pass --image-uri)", err)
	}
	defer cli.Close()
	return (&ecrpush.Pusher{Docker: cli, ECR: p.ecr, Progress: p.progress}).Push(ctx, localImage, repo)
}

func newAWSCleanupCmd() *cobra.Command {
	var f awsFlags
	var runID string
	var olderThan time.Duration
	var yes bool
	var poll time.Duration
	c := &cobra.Command{
		Use:   "cleanup",
		Short: "Delete deploybench stacks (tagged deploybench:run-id) left in the account",
		Long: `cleanup lists the CloudFormation stacks tagged deploybench:run-id — optionally only one
run's, or only those older than --older-than — prints them, and after confirmation
(--yes, or a typed "yes" on a terminal) deletes them and waits until they are gone.`,
		Example: `  deploybench aws cleanup --run-id r20260102-1a2b3c
  deploybench aws cleanup --older-than 2h --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if olderThan < 0 {
				return usagef("aws cleanup: --older-than %s is negative; give an age like 2h", olderThan)
			}
			if poll <= 0 {
				return usagef("aws cleanup: --poll %s: give a positive interval, e.g. 5s", poll)
			}
			cfg, err := f.awsConfig(cmd.Context(), scenario.DefaultRegion)
			if err != nil {
				return err
			}
			found, err := awsrun.Cleanup(cmd.Context(), awsrun.NewClients(cfg), awsrun.CleanupOptions{RunID: runID, OlderThan: olderThan,
				Yes: yes, Confirm: confirmer(cmd), Out: cmd.ErrOrStderr(), Poll: poll})
			if errors.Is(err, awsrun.ErrNotConfirmed) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "aws cleanup: %d stacks deleted\n", len(found))
			return nil
		},
	}
	f.add(c)
	c.Flags().StringVar(&runID, "run-id", "", "only this run's stacks")
	c.Flags().DurationVar(&olderThan, "older-than", 0, "only stacks created longer ago than this, e.g. 2h (0: any age)")
	c.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	c.Flags().DurationVar(&poll, "poll", 5*time.Second, "interval between stack status checks")
	return c
}
