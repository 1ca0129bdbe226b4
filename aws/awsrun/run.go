package awsrun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/deploybench/deploybench/mnist"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
)

// ImagePusher pushes a local container image to a registry the stacks can pull from and
// returns its URI; aws/ecrpush's Pusher satisfies it.
type ImagePusher interface {
	Push(ctx context.Context, localImage, repo string) (uri string, err error)
}

// Options configures a run.
type Options struct {
	// Scenario is the scenario to run; ScenarioYAML is its text, kept in the results.
	Scenario     *scenario.Scenario
	ScenarioYAML []byte
	// OutDir is the results directory.
	OutDir string
	// Export builds the stacks (required).
	Export Exporter
	// Clients talk to AWS (required).
	Clients Clients
	// Region is the region the stacks are created in, for the plan and the results.
	Region string
	// RunID names and tags the stacks; empty picks a fresh one.
	RunID string
	// ImageURI is an image already in a registry; when set, nothing is pushed.
	ImageURI string
	// Pusher pushes the scenario's app.image when ImageURI is empty.
	Pusher ImagePusher
	// LocalImage is the image pushed when the scenario names none (app.image): the
	// built-in app's image.
	LocalImage string
	// Repository is the registry repository to push to; default "deploybench".
	Repository string
	// Parameters are extra template parameters (KEY=VALUE from the command line).
	Parameters map[string]string
	// MaxCost refuses a run whose estimate is above it, in dollars; 0 means no limit.
	MaxCost float64
	// Yes skips the confirmation; otherwise Confirm must return true.
	Yes bool
	// Confirm asks the user to confirm, showing prompt; nil means nobody can be asked
	// (stdin is not a terminal), so without Yes the run is refused.
	Confirm func(prompt string) (bool, error)
	// Parallel bounds how many stacks are created at once; default 3.
	Parallel int
	// Poll is the interval between DescribeStacks calls; default 5 s.
	Poll time.Duration
	// CreateTimeout bounds one stack's creation; default 45 min.
	CreateTimeout time.Duration
	// Overhead is the create/delete time added to the load for the estimate; default
	// DefaultOverhead.
	Overhead time.Duration
	// LoadLimit, if positive, stops each load after this long.
	LoadLimit time.Duration
	// MetricsWait is how long to wait after the load before reading CloudWatch, which
	// publishes a datapoint up to ~2 minutes late.
	MetricsWait time.Duration
	// CleanupContext bounds the deletion of the stacks; it outlives the run's context, so
	// a first Ctrl-C still deletes everything and a second one (ending it) stops waiting.
	// nil means context.Background().
	CleanupContext context.Context
	// Catalog prices the plan; default the embedded catalog.
	Catalog *pricing.Catalog
	// Out receives the plan and progress lines.
	Out io.Writer
}

// Errors a caller branches on.
var (
	// ErrOverBudget: the estimate is above MaxCost; nothing was created.
	ErrOverBudget = errors.New("estimated cost is above --max-cost")
	// ErrNotConfirmed: the user did not confirm; nothing was created.
	ErrNotConfirmed = errors.New("not confirmed")
	// ErrStacksLeft: some stacks could not be deleted (or deletion was interrupted).
	ErrStacksLeft = errors.New("stacks left behind")
)

// runIDPattern keeps a run ID usable in stack names and tags.
var runIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// NewRunID returns a fresh run ID, e.g. "r20260102-1a2b3c".
func NewRunID(now time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return "r" + now.UTC().Format("20060102") + "-" + hex.EncodeToString(b)
}

// Result is what a run did.
type Result struct {
	RunID    string
	Estimate Estimate
	Run      *results.Run
	// Left are the stacks that were not deleted, if any.
	Left []string
}

// CleanupCommand is the command that removes what a run left behind.
func CleanupCommand(runID, region string) string {
	c := "deploybench aws cleanup --run-id " + runID
	if region != "" {
		c += " --region " + region
	}
	return c
}

func (o *Options) defaults() error {
	switch {
	case o.Scenario == nil:
		return fmt.Errorf("awsrun: no scenario")
	case o.Export == nil:
		return fmt.Errorf("awsrun: no exporter")
	case o.Clients.CloudFormation == nil || o.Clients.CloudWatch == nil || o.Clients.STS == nil:
		return fmt.Errorf("awsrun: AWS clients missing")
	case o.OutDir == "":
		return fmt.Errorf("--out is required: the directory the results are written to")
	case o.MaxCost < 0:
		return fmt.Errorf("--max-cost %g is negative; give a dollar amount, e.g. --max-cost 2", o.MaxCost)
	case o.Parallel < 0:
		return fmt.Errorf("--parallel %d is negative; give at least 1", o.Parallel)
	}
	if o.RunID == "" {
		o.RunID = NewRunID(time.Now())
	}
	if !runIDPattern.MatchString(o.RunID) {
		return fmt.Errorf("--run-id %q: use 1–32 lower-case letters, digits and dashes, starting with a letter or digit", o.RunID)
	}
	if o.Parallel == 0 {
		o.Parallel = 3
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.CreateTimeout <= 0 {
		o.CreateTimeout = 45 * time.Minute
	}
	if o.Overhead <= 0 {
		o.Overhead = DefaultOverhead
	}
	if o.Repository == "" {
		o.Repository = "deploybench"
	}
	if o.CleanupContext == nil {
		o.CleanupContext = context.Background()
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Region == "" {
		o.Region = o.Scenario.Region
	}
	return nil
}

// Run runs the scenario on AWS: plan, image, create, load, CloudWatch, delete. Input
// errors wrap scenario.ErrInvalid; a refused plan returns ErrOverBudget or
// ErrNotConfirmed having created nothing. Whatever happens after the first CreateStack,
// every stack created is deleted before Run returns, unless CleanupContext ends first:
// then Result.Left names what is left and the error wraps ErrStacksLeft.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.defaults(); err != nil {
		return nil, fmt.Errorf("%w: %v", scenario.ErrInvalid, err)
	}
	s := o.Scenario
	out := &lineWriter{w: o.Out}
	res := &Result{RunID: o.RunID}

	// 1. Plan.
	stacks, err := o.Export(s, o.RunID)
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	if len(stacks) == 0 {
		return res, fmt.Errorf("%w: the scenario has no platform to deploy", scenario.ErrInvalid)
	}
	tpls := make([]*template, len(stacks))
	for i, st := range stacks {
		if tpls[i], err = parseTemplate(st.Name, st.Template); err != nil {
			return res, err
		}
	}
	tmp, err := os.MkdirTemp("", "deploybench-aws-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmp)
	bodies := ""
	if s.App.Builtin != "" {
		bodies = filepath.Join(tmp, "digits")
		if err := os.Mkdir(bodies, 0o755); err != nil {
			return res, err
		}
		if err := mnist.WriteDigitPNGs(bodies, 200); err != nil {
			return res, fmt.Errorf("request bodies: %w", err)
		}
	}
	phases, err := loadPhases(s, bodies)
	if err != nil {
		return res, err
	}
	var loadDur time.Duration
	var requests float64
	for _, ph := range phases {
		d, n := planned(ph.cfg)
		if o.LoadLimit > 0 && d > o.LoadLimit {
			n *= float64(o.LoadLimit) / float64(d)
			d = o.LoadLimit
		}
		loadDur += d
		requests += n
	}
	requests += float64(s.Warmup)
	cat := o.Catalog
	if cat == nil {
		if cat, err = pricing.Embedded(); err != nil {
			return res, err
		}
	}
	book, err := cat.Book(o.Region)
	if err != nil {
		return res, fmt.Errorf("%w: region: %v", scenario.ErrInvalid, err)
	}
	est, err := estimate(stacks, tpls, s, book, loadDur+o.MetricsWait+o.Overhead, requests)
	if err != nil {
		return res, fmt.Errorf("%w: %v", scenario.ErrInvalid, err)
	}
	res.Estimate = est
	fmt.Fprintf(o.Out, "plan: run %s, scenario %s, region %s, %d stacks\n", o.RunID, s.Name, o.Region, len(stacks))
	writePlan(o.Out, stacks, tpls, est)
	if o.MaxCost > 0 && est.Total > o.MaxCost {
		return res, fmt.Errorf("%w: estimate $%.4f > --max-cost $%.4f; nothing was created", ErrOverBudget, est.Total, o.MaxCost)
	}
	params, err := stackParameters(stacks, tpls, o.Parameters)
	if err != nil {
		return res, err
	}
	id, err := o.Clients.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return res, fmt.Errorf("AWS credentials: %w (configure them: aws configure, AWS_PROFILE or --profile)", err)
	}
	fmt.Fprintf(o.Out, "account %s (%s), region %s\n", aws.ToString(id.Account), aws.ToString(id.Arn), o.Region)
	if !o.Yes {
		if o.Confirm == nil {
			return res, fmt.Errorf("%w: this creates billable resources; pass --yes, or run in a terminal to confirm", ErrNotConfirmed)
		}
		ok, err := o.Confirm(fmt.Sprintf("create %d stacks in account %s (estimate $%.2f)? type yes to continue: ", len(stacks), aws.ToString(id.Account), est.Total))
		if err != nil {
			return res, fmt.Errorf("%w: %v", ErrNotConfirmed, err)
		}
		if !ok {
			return res, fmt.Errorf("%w: nothing was created", ErrNotConfirmed)
		}
	}

	// 2. Image.
	if imageParam(tpls) {
		uri := o.ImageURI
		switch {
		case uri != "":
			fmt.Fprintf(o.Out, "image: %s (given with --image-uri; nothing pushed)\n", uri)
		case o.Pusher == nil:
			return res, fmt.Errorf("%w: the templates need an image: pass --image-uri URI, or set app.image and let deploybench push it to ECR", scenario.ErrInvalid)
		case s.App.Image == "" && o.LocalImage == "":
			return res, fmt.Errorf("%w: app.image is empty: set it to a local image to push to ECR, or pass --image-uri URI", scenario.ErrInvalid)
		default:
			local := s.App.Image
			if local == "" {
				local = o.LocalImage
			}
			fmt.Fprintf(o.Out, "image: pushing %s to repository %s\n", local, o.Repository)
			if uri, err = o.Pusher.Push(ctx, local, o.Repository); err != nil {
				return res, fmt.Errorf("image push: %w", err)
			}
			fmt.Fprintf(o.Out, "image: %s\n", uri)
		}
		for i := range params {
			for _, k := range imageParams(tpls[i]) {
				if _, set := o.Parameters[k]; !set {
					params[i][k] = uri
				}
			}
		}
	} else {
		fmt.Fprintln(o.Out, "image: the templates take no image; nothing to push")
	}

	// 3–6. Create, load, read back, delete — deletion whatever happens.
	track := &created{}
	run, runErr := createAndMeasure(ctx, o, book, stacks, params, phases, track, out)
	res.Run = run
	refs := track.list()
	if len(refs) > 0 {
		fmt.Fprintf(o.Out, "delete: %d stacks\n", len(refs))
		left, err := deleteAll(o.CleanupContext, o.Clients.CloudFormation, refs, o.Poll, out)
		if len(left) > 0 {
			for _, l := range left {
				res.Left = append(res.Left, l.name)
			}
			fmt.Fprintf(o.Out, "stacks left: %s\nremove them with: %s\n", strings.Join(res.Left, ", "), CleanupCommand(o.RunID, o.Region))
			why := "deletion interrupted"
			if o.CleanupContext.Err() == nil {
				why = oneLine(err)
			}
			leftErr := fmt.Errorf("%w: %d (%s); remove them with: %s", ErrStacksLeft, len(left), why, CleanupCommand(o.RunID, o.Region))
			if runErr != nil {
				runErr = fmt.Errorf("%w; %w", runErr, leftErr)
			} else {
				runErr = leftErr
			}
		} else {
			fmt.Fprintln(o.Out, "delete: every stack deleted")
		}
	}
	return res, runErr
}

// createAndMeasure creates the stacks, runs the load against each and reads CloudWatch
// back, streaming the results directory.
func createAndMeasure(ctx context.Context, o Options, book *pricing.Book, stacks []Stack, params []map[string]string, phases []loadPhase, track *created, out *lineWriter) (*results.Run, error) {
	s := o.Scenario
	var loads []string
	for _, ph := range phases {
		d := fmt.Sprint(ph.cfg.Kind())
		if ph.name != "" {
			d = ph.name + ": " + d
		}
		loads = append(loads, d)
	}
	run := results.Run{Scenario: s.Name, Description: s.Description, Mode: "live", Source: results.SourceAWS, Started: time.Now().UTC(),
		SLO: s.SLO, Load: strings.Join(loads, "; "),
		Assumptions: results.Assumptions{Timescale: 1, VCPUFraction: 1, Region: o.Region, Limits: "real AWS resources (run " + o.RunID + ")",
			// No monthly projection: it needs the CPU each request used, which a local run
			// measures and an AWS run cannot see per request; the recommendation ranks by
			// cost per million requests instead.
			PriceSource: "estimate from the embedded catalog; the AWS bill is the truth"}}
	dir, err := results.Create(o.OutDir, run)
	if err != nil {
		return nil, err
	}
	if len(o.ScenarioYAML) > 0 {
		if err := dir.WriteFile("scenario.yaml", o.ScenarioYAML); err != nil {
			return &run, err
		}
	}
	var reqs []stackCreate
	for i, st := range stacks {
		reqs = append(reqs, stackCreate{stack: st, params: params[i],
			tags: map[string]string{TagRunID: o.RunID, TagScenario: s.Name, TagPlatform: st.Platform}})
	}
	fmt.Fprintf(o.Out, "create: %d stacks, at most %d at once\n", len(stacks), o.Parallel)
	done, err := createAll(ctx, o.Clients.CloudFormation, reqs, o.Parallel, o.Poll, o.CreateTimeout, track, out)
	if err != nil {
		run.Ended, run.Partial = time.Now().UTC(), true
		_ = dir.WriteRun(run)
		if ctx.Err() != nil {
			return &run, fmt.Errorf("interrupted while creating stacks: %w", ctx.Err())
		}
		return &run, err
	}
	interrupted := false
	for _, cs := range done {
		fmt.Fprintf(o.Out, "load: %s → %s\n", cs.Platform, cs.endpoint)
		rows, lt := runLoads(ctx, s, dir, cs, phases, o.LoadLimit, s.Warmup, out)
		if ctx.Err() == nil && o.MetricsWait > 0 {
			fmt.Fprintf(o.Out, "cloudwatch: waiting %s for the last datapoints\n", o.MetricsWait)
			select {
			case <-ctx.Done():
			case <-time.After(o.MetricsWait):
			}
		}
		var measuredLambda float64
		if ctx.Err() == nil {
			cw, err := readMetrics(ctx, o.Clients, cs.id, lt.start, lt.end)
			measuredLambda = lambdaSeconds(cw)
			peak, note := summarise(cw)
			for i := range rows {
				if err != nil {
					rows[i].Notes = append(rows[i].Notes, "CloudWatch not read: "+err.Error())
					continue
				}
				rows[i].PeakCapacity = peak
				if note != "" {
					rows[i].Notes = append(rows[i].Notes, note)
				}
				_ = results.WriteJSONFile(filepath.Join(dir.Path, results.PlatformDirName(rows[i].Name), "cloudwatch.json"), cw)
			}
			if err == nil {
				fmt.Fprintf(o.Out, "  %s: %d CloudWatch series read\n", cs.Platform, len(cw.Series))
			}
		}
		for i := range rows {
			priceRow(&rows[i], s, book, cs, cs.took+lt.end.Sub(lt.start), measuredLambda)
			if rows[i].Status == "partial" {
				interrupted = true
			}
		}
		run.Platforms = append(run.Platforms, rows...)
		if err := dir.WriteRun(run); err != nil {
			return &run, err
		}
		if ctx.Err() != nil {
			interrupted = true
			break
		}
	}
	run.Ended, run.Partial = time.Now().UTC(), interrupted
	if err := dir.WriteRun(run); err != nil {
		return &run, err
	}
	if interrupted {
		return &run, fmt.Errorf("interrupted during the load: %w", context.Canceled)
	}
	return &run, nil
}

// priceRow sets a row's costs from list prices: the stack's hourly rates over its life
// up to the end of the load, plus per-request charges. The AWS bill is the truth; the
// row says so.
func priceRow(row *results.Platform, s *scenario.Scenario, book *pricing.Book, cs createdStack, life time.Duration, lambdaSecs float64) {
	tpl, err := parseTemplate(cs.Name, cs.Template)
	if err != nil {
		return
	}
	items, _, err := priceStack(cs.Stack, tpl, settingsOf(s, cs.Platform), book, 0, float64(row.Requests), lambdaSecs)
	if err != nil {
		return
	}
	for _, it := range items {
		row.HourlyAtPeak += it.Hourly
		row.RunCost += it.Cost // per-request charges; hourly items cost 0 over 0 hours
	}
	row.RunCost += row.HourlyAtPeak * life.Hours()
	if row.Requests > 0 {
		row.PerMillion = row.RunCost / float64(row.Requests) * 1e6
	}
	row.Notes = append(row.Notes, "costs estimated from list prices (stack creation and load, deletion not included); the AWS bill is the truth")
}

// imageParam reports whether any template takes an image parameter.
func imageParam(tpls []*template) bool {
	for _, t := range tpls {
		if len(imageParams(t)) > 0 {
			return true
		}
	}
	return false
}

// imageParams names a template's image parameters: those whose name mentions an image.
func imageParams(t *template) []string {
	var out []string
	for k := range t.Parameters {
		if strings.Contains(strings.ToLower(k), "image") {
			out = append(out, k)
		}
	}
	return out
}

// stackParameters fills every stack's parameters: the ones given, the image (later),
// and defaults for the rest; a parameter without a default that nobody gives is an
// error before anything is created.
func stackParameters(stacks []Stack, tpls []*template, given map[string]string) ([]map[string]string, error) {
	used := map[string]bool{}
	out := make([]map[string]string, len(stacks))
	for i, t := range tpls {
		out[i] = map[string]string{}
		for k, p := range t.Parameters {
			if v, ok := given[k]; ok {
				out[i][k] = v
				used[k] = true
				continue
			}
			if p.Default == nil && !strings.Contains(strings.ToLower(k), "image") {
				return nil, fmt.Errorf("%w: stack %s: template parameter %s has no default; pass --parameter %s=VALUE", scenario.ErrInvalid, stacks[i].Name, k, k)
			}
		}
	}
	for k := range given {
		if !used[k] {
			return nil, fmt.Errorf("%w: --parameter %s: no template has that parameter", scenario.ErrInvalid, k)
		}
	}
	return out, nil
}

// oneLine joins a multi-line error (errors.Join) into one line.
func oneLine(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
