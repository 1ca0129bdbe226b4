package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/load/result"
	"github.com/deploybench/deploybench/load/threshold"
)

func init() { register(newLoadCmd) }

// loadFlagNames maps Config fields (as named in validation errors) to the flags that set
// them, so that a command-line user is told about the flag, not the YAML key.
var loadFlagNames = map[string]string{
	"vus": "--vus", "think": "--think", "rate": "--rate", "start_rate": "--start-rate", "duration": "--duration",
	"requests": "--requests", "stages": "--stages", "batch": "--batch", "trace": "--trace", "trace_speedup": "--trace-speedup",
	"max_inflight": "--max-inflight", "max_conns": "--max-conns", "spacing": "--spacing", "seed": "--seed", "timeout": "--timeout", "method": "--method",
	"headers": "--header", "body": "--body",
}

// loadFlags holds the raw flag values; strings are parsed here so errors name the flag.
type loadFlags struct {
	config, rate, startRate, duration, think, stages, batch, trace, speedup string
	spacing, timeout, method, body, out, csv, slo                           string
	vus, maxInflight, maxConns                                              int
	requests                                                                int64
	seed                                                                    uint64
	headers                                                                 []string
}

func newLoadCmd() *cobra.Command {
	var f loadFlags
	c := &cobra.Command{
		Use:   "load URL",
		Short: "Drive a URL with an open or closed load and report latency without coordinated omission",
		Long: `load sends a bounded load to URL and reports latency percentiles (HDR histograms),
outcomes (2xx, 3xx, 4xx, 429, 5xx with 502/503/504 apart, timeout, refused, other) and the
achieved against the intended rate.

Models (choose one):
  --rate R --duration D        open model: R requests/s; latency counts from the intended
                               send time, so a stalled server shows up as latency
  --stages 30s:200,1m:200,30s:0  open model ramping linearly through DURATION:RATE stages
  --vus N --duration D         closed model: N users, each waiting for its answer, then
                               --think (e.g. 100ms or 0-100ms)
  --batch 9x4[/PAUSE]          N requests in parallel, wait for all, K times
  --trace FILE                 replay offset_seconds,count rows or per-minute counts
A run must end by itself: give --duration or --requests where the model needs one.
Open-model arrivals beyond --max-inflight are counted as dropped, never delayed.

A live progress line is shown when stderr is a terminal. Ctrl-C stops the run, prints the
partial summary and writes --out marked "partial": true. --slo exits with status 3 and
names the violated thresholds.`,
		Example: `  deploybench load http://127.0.0.1:8080/ --rate 200 --duration 10s
  deploybench load http://127.0.0.1:8080/ --vus 10 --think 0-100ms --duration 30s
  deploybench load http://127.0.0.1:8080/predict --stages 30s:200,1m:200,30s:0 --body digits/ --out r.json
  deploybench load http://127.0.0.1:8080/predict --batch 9x4 --body seven.png --slo 'p95<200ms,errors<1%'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLoadCmd(cmd, args[0], f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.config, "config", "", "YAML load config (the same schema as a scenario's load:); flags override it")
	fl.StringVar(&f.rate, "rate", "", "open model: arrival rate in requests/s")
	fl.StringVar(&f.duration, "duration", "", "how long the load lasts, e.g. 10s, 2m")
	fl.Int64VarP(&f.requests, "requests", "n", 0, "end after this many requests (closed and constant-rate models)")
	fl.IntVar(&f.vus, "vus", 0, "closed model: number of virtual users")
	fl.StringVar(&f.think, "think", "", "closed model: think time after each answer, e.g. 100ms or 0-100ms")
	fl.StringVar(&f.stages, "stages", "", "open model ramping through DURATION:RATE stages, e.g. 30s:200,1m:200,30s:0")
	fl.StringVar(&f.startRate, "start-rate", "", "rate the first stage ramps from (default 0)")
	fl.StringVar(&f.batch, "batch", "", "PARALLELxREPEATS[/PAUSE], e.g. 9x4 or 100x5/2s")
	fl.StringVar(&f.trace, "trace", "", "CSV trace to replay: offset_seconds,count rows or one count per minute")
	fl.StringVar(&f.speedup, "trace-speedup", "", "replay the trace this many times faster")
	fl.IntVar(&f.maxInflight, "max-inflight", 0, fmt.Sprintf("open model: in-flight cap, arrivals beyond it are dropped (default %d)", load.DefaultMaxInflight))
	fl.IntVar(&f.maxConns, "max-conns", 0, "cap on TCP connections; requests beyond it wait for one, measured (default: no cap)")
	fl.StringVar(&f.spacing, "spacing", "", "open model: uniform (default) or poisson arrivals")
	fl.Uint64Var(&f.seed, "seed", 0, "seed for Poisson spacing and think times (default 1)")
	fl.StringVar(&f.timeout, "timeout", "", fmt.Sprintf("per-request timeout (default %s)", load.DefaultTimeout))
	fl.StringVarP(&f.method, "method", "X", "", "HTTP method (default GET, POST with --body)")
	fl.StringArrayVarP(&f.headers, "header", "H", nil, "request header 'Name: value' (repeatable)")
	fl.StringVar(&f.body, "body", "", "request body file, or a directory of files sent round-robin")
	fl.StringVar(&f.out, "out", "", "write the full result (with the per-second series) as JSON")
	fl.StringVar(&f.csv, "csv", "", "write the per-second series as CSV")
	fl.StringVar(&f.slo, "slo", "", "thresholds, e.g. 'p95<200ms,p99<1s,errors<1%,rate>100' (exit 3 when violated)")
	return c
}

func runLoadCmd(cmd *cobra.Command, target string, f loadFlags) error {
	cfg, err := loadConfigFromFlags(cmd, f)
	if err != nil {
		return asUsage(err)
	}
	var ths []threshold.Threshold
	if f.slo != "" {
		if ths, err = threshold.Parse(f.slo); err != nil {
			return usagef("--slo: %v", err)
		}
	}
	for flag, path := range map[string]string{"--out": f.out, "--csv": f.csv} {
		if path == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
			return usagef("%s: directory of %s does not exist", flag, path)
		}
	}
	if err := cfg.Validate(); err != nil {
		return asUsage(flagged(err, f.config == ""))
	}
	var opts load.Options
	if fd, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
		opts.Progress = fd
	}
	live, err := streamWindows(f.csv, &opts)
	if err != nil {
		return err
	}
	run, err := load.Start(cmd.Context(), cfg, target, opts)
	if err != nil {
		live.discard()
		return asUsage(flagged(err, f.config == ""))
	}
	res := run.Wait()
	live.discard()
	out := cmd.OutOrStdout()
	if err := res.WriteSummary(out); err != nil {
		return err
	}
	if err := writeLoadFiles(res, f.out, f.csv); err != nil {
		return err
	}
	var vs []threshold.Violation
	if len(ths) > 0 {
		if vs = threshold.Check(ths, res); len(vs) == 0 {
			fmt.Fprintf(out, "\nslo: all %d thresholds met\n", len(ths))
		}
	}
	switch {
	case res.Partial:
		return fmt.Errorf("load: stopped early; the summary and files above hold the partial results")
	case len(vs) > 0:
		return thresholdError{fmt.Errorf("load: slo violated: %s", threshold.Describe(vs))}
	}
	return nil
}

// flagged rewrites "load.rate: …" as "--rate: …" for command-line users.
func flagged(err error, fromFlags bool) error {
	msg := err.Error()
	if !fromFlags || !strings.HasPrefix(msg, "load.") {
		return err
	}
	field, rest, _ := strings.Cut(strings.TrimPrefix(msg, "load."), ":")
	key, _, _ := strings.Cut(field, ".")
	key, _, _ = strings.Cut(key, "[")
	if key == "executor" {
		if strings.Contains(rest, "no load given") {
			return fmt.Errorf("no load given: set one of --rate, --stages, --vus, --batch or --trace")
		}
		return fmt.Errorf("%s", strings.TrimSpace(rest))
	}
	if fl, ok := loadFlagNames[key]; ok {
		return fmt.Errorf("%s:%s", fl, rest)
	}
	return err
}

// loadConfigFromFlags reads --config, if any, and applies every flag that was set.
func loadConfigFromFlags(cmd *cobra.Command, f loadFlags) (load.Config, error) {
	var c load.Config
	if f.config != "" {
		var err error
		if c, err = load.ReadConfigFile(f.config); err != nil {
			return c, fmt.Errorf("--config: %v", err)
		}
	}
	set := cmd.Flags().Changed
	var err error
	parse := func(flag string, fn func() error) {
		if err == nil && set(flag) {
			if e := fn(); e != nil {
				err = fmt.Errorf("--%s: %v", flag, e)
			}
		}
	}
	parse("rate", func() (e error) { c.Rate, e = parseRate(f.rate); return })
	parse("start-rate", func() (e error) { c.StartRate, e = parseRate(f.startRate); return })
	parse("duration", func() (e error) { c.Duration, e = load.ParseDuration(f.duration); return })
	parse("timeout", func() (e error) { c.Timeout, e = load.ParseDuration(f.timeout); return })
	parse("think", func() (e error) { c.Think, e = load.ParseThink(f.think); return })
	parse("stages", func() (e error) { c.Stages, e = load.ParseStages(f.stages); return })
	parse("batch", func() error {
		b, e := load.ParseBatch(f.batch)
		c.Batch = &b
		return e
	})
	parse("trace-speedup", func() (e error) { c.TraceSpeedup, e = parseRate(f.speedup); return })
	parse("header", func() error {
		if c.Headers == nil {
			c.Headers = map[string]string{}
		}
		for _, h := range f.headers {
			k, v, e := load.ParseHeader(h)
			if e != nil {
				return e
			}
			c.Headers[k] = v
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	// A zero would silently select no model; say what is wrong with the flag instead.
	if set("rate") && c.Rate == 0 {
		return c, fmt.Errorf("--rate: must be > 0 requests/s")
	}
	if set("vus") && f.vus < 1 {
		return c, fmt.Errorf("--vus: must be ≥ 1")
	}
	if set("vus") {
		c.VUs = f.vus
	}
	if set("requests") {
		c.Requests = f.requests
	}
	if set("trace") {
		c.Trace = f.trace
	}
	if set("max-inflight") {
		c.MaxInflight = f.maxInflight
	}
	if set("max-conns") {
		c.MaxConns = f.maxConns
	}
	if set("spacing") {
		c.Spacing = f.spacing
	}
	if set("seed") {
		c.Seed = f.seed
	}
	if set("method") {
		c.Method = strings.ToUpper(f.method)
	}
	if set("body") {
		c.Body = f.body
	}
	return c, nil
}

func parseRate(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(v >= 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a rate ≥ 0 (requests per second)", s)
	}
	return v, nil
}

// liveCSV streams the window series to PATH.partial while the run lasts, so that a run
// killed outright still leaves its measurements on disk, under a name that says they are
// incomplete; the complete series replaces it at the end.
type liveCSV struct{ f *os.File }

func streamWindows(path string, opts *load.Options) (*liveCSV, error) {
	if path == "" {
		return &liveCSV{}, nil
	}
	f, err := os.Create(path + ".partial")
	if err != nil {
		return nil, fmt.Errorf("--csv: %v", err)
	}
	ww, err := result.NewWindowWriter(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("--csv: %v", err)
	}
	opts.OnWindow = func(w load.Window) { _ = ww.Write(w) }
	return &liveCSV{f}, nil
}

// discard removes the partial file once the run is over (its content is in the result).
func (l *liveCSV) discard() {
	if l.f != nil {
		l.f.Close()
		os.Remove(l.f.Name())
	}
}

// writeLoadFiles writes the JSON and CSV outputs through a temporary file each, so an
// interrupted write never leaves a file that looks complete.
func writeLoadFiles(res *load.Result, jsonPath, csvPath string) error {
	if jsonPath != "" {
		if err := writeAtomic(jsonPath, res.WriteJSON); err != nil {
			return fmt.Errorf("--out: %v", err)
		}
	}
	if csvPath != "" {
		if err := writeAtomic(csvPath, res.WriteCSV); err != nil {
			return fmt.Errorf("--csv: %v", err)
		}
	}
	return nil
}

func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
