package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/awsprice"
	"github.com/deploybench/deploybench/pricing/billing"
	"github.com/spf13/cobra"
)

func init() { register(newPriceCmd) }

// priceSource holds the flags every pricing command shares: region and price overrides.
type priceSource struct {
	region string
	prices string // user price file (YAML/JSON)
	offer  string // AWS Price List offer file for EC2
}

func (s *priceSource) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.region, "region", pricing.DefaultRegion, "AWS region whose prices to use")
	cmd.Flags().StringVar(&s.prices, "prices", "", "price file (YAML/JSON) overriding any named price")
	cmd.Flags().StringVar(&s.offer, "offer", "", "AWS Price List bulk offer file for AmazonEC2 (index.json) with on-demand prices")
}

// book loads the embedded catalog, applies the overrides and returns the region's book.
// Every failure here is the user's input, so it is a usage error.
func (s *priceSource) book() (*pricing.Book, error) {
	c, err := pricing.Embedded()
	if err != nil {
		return nil, err
	}
	if s.offer != "" {
		o, err := awsprice.LoadOffer(s.offer)
		if err != nil {
			return nil, asUsage(fmt.Errorf("--offer: %w", err))
		}
		o.Apply(c)
	}
	if s.prices != "" {
		if err := c.LoadOverrides(s.prices); err != nil {
			return nil, asUsage(fmt.Errorf("--prices: %w", err))
		}
	}
	b, err := c.Book(s.region)
	if err != nil {
		return nil, asUsage(fmt.Errorf("--region: %w", err))
	}
	return b, nil
}

func newPriceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "price",
		Short: "Print the itemised bill of a described usage (EC2, Fargate, Lambda, API Gateway, ALB, data transfer)",
		Long: `price applies AWS's billing rules to a usage you describe and prints an itemised bill
whose every line can be checked by hand (amount = quantity × rate). Prices come from the
embedded, dated price book; --prices and --offer override them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("price: name a service: ec2, fargate, lambda, apigw, alb or transfer (see 'deploybench price --help')")
		},
	}
	cmd.AddCommand(newPriceEC2Cmd(), newPriceFargateCmd(), newPriceLambdaCmd(), newPriceAPIGWCmd(), newPriceALBCmd(), newPriceTransferCmd())
	return cmd
}

// billCmd builds a price subcommand: usage builds the Usage from its flags.
func billCmd(use, short string, flags func(*cobra.Command), usage func(*pricing.Book) (billing.Usage, error)) *cobra.Command {
	var src priceSource
	var asJSON bool
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := src.book()
			if err != nil {
				return err
			}
			u, err := usage(b)
			if err != nil {
				return asUsage(err)
			}
			bill, err := billing.Price(b, u)
			if err != nil {
				return asUsage(err)
			}
			return writeBill(cmd.OutOrStdout(), bill, asJSON)
		},
	}
	src.addFlags(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the bill as JSON")
	flags(cmd)
	return cmd
}

func writeBill(w io.Writer, b *billing.Bill, asJSON bool) error {
	if asJSON {
		return b.WriteJSON(w)
	}
	return b.WriteTable(w)
}

// period turns --hours / --duration into start and end times (only the difference matters).
type period struct {
	hours    float64
	duration time.Duration
}

func (p *period) addFlags(cmd *cobra.Command, defHours float64) {
	cmd.Flags().Float64Var(&p.hours, "hours", defHours, "hours each instance/task runs (730 = a month)")
	cmd.Flags().DurationVar(&p.duration, "duration", 0, "run time as a Go duration (e.g. 30s, 90s, 2h); overrides --hours")
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (p *period) span() (time.Time, time.Time, error) {
	d := p.duration
	if d == 0 {
		if p.hours < 0 || math.IsNaN(p.hours) || p.hours > 1e6 {
			return time.Time{}, time.Time{}, fmt.Errorf("--hours %v must be between 0 and 1,000,000", p.hours)
		}
		d = time.Duration(p.hours * float64(time.Hour))
	}
	if d < 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("--duration %v must not be negative", d)
	}
	return epoch, epoch.Add(d), nil
}

func newPriceEC2Cmd() *cobra.Command {
	var typ, purchase string
	var count int
	var per period
	var surplus float64
	var miFee, emrFee bool
	return billCmd("ec2", "Price EC2 instances: per second, 60-second minimum per start", func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&typ, "type", "", "instance type, e.g. t2.medium (required)")
		cmd.Flags().StringVar(&purchase, "purchase", "on-demand", pricing.PurchaseHelp)
		cmd.Flags().IntVar(&count, "count", 1, "number of instances, each started once")
		cmd.Flags().Float64Var(&surplus, "surplus-vcpu-hours", 0, "unlimited-mode surplus CPU credits of burstable types, in vCPU-hours")
		cmd.Flags().BoolVar(&miFee, "mi-fee", false, "add the ECS Managed Instances management fee")
		cmd.Flags().BoolVar(&emrFee, "emr-fee", false, "add the EMR fee")
		per.addFlags(cmd, 730)
	}, func(b *pricing.Book) (billing.Usage, error) {
		var u billing.Usage
		if typ == "" {
			return u, fmt.Errorf("--type is required (e.g. --type t2.medium)")
		}
		if _, err := b.Catalog().Instance(typ); err != nil {
			return u, fmt.Errorf("--type: %w", err)
		}
		p, err := pricing.ParsePurchase(purchase)
		if err != nil {
			return u, fmt.Errorf("--purchase: %w", err)
		}
		if count < 1 || count > 100000 {
			return u, fmt.Errorf("--count %d must be between 1 and 100,000", count)
		}
		if surplus < 0 || math.IsNaN(surplus) {
			return u, fmt.Errorf("--surplus-vcpu-hours %v must not be negative", surplus)
		}
		s, e, err := per.span()
		if err != nil {
			return u, err
		}
		for i := 0; i < count; i++ {
			u.Instances = append(u.Instances, billing.InstanceUsage{Type: typ, Purchase: p, Start: s, End: e})
			if miFee {
				u.MIFees = append(u.MIFees, billing.MIFee{Type: typ, Start: s, End: e})
			}
			if emrFee {
				u.EMRFees = append(u.EMRFees, billing.EMRFee{Type: typ, Start: s, End: e})
			}
		}
		if surplus > 0 {
			u.Credits = []billing.CreditSurcharge{{Type: typ, VCPUHours: surplus}}
		}
		return u, nil
	})
}

func newPriceFargateCmd() *cobra.Command {
	var vcpu float64
	var memory, ephemeral, arch string
	var tasks int
	var spot bool
	var per period
	return billCmd("fargate", "Price Fargate tasks: per second from image pull start, 1-minute minimum", func(cmd *cobra.Command) {
		cmd.Flags().Float64Var(&vcpu, "vcpu", 0.25, "task vCPU: 0.25, 0.5, 1, 2, 4, 8 or 16")
		cmd.Flags().StringVar(&memory, "memory", "0.5GB", "task memory, e.g. 512MB or 2GB (GB = GiB, as AWS uses it)")
		cmd.Flags().StringVar(&ephemeral, "ephemeral", "20GB", "ephemeral storage (20 GB included)")
		cmd.Flags().StringVar(&arch, "arch", "x86_64", "x86_64 or arm64")
		cmd.Flags().IntVar(&tasks, "tasks", 1, "number of tasks")
		cmd.Flags().BoolVar(&spot, "spot", false, "Fargate Spot")
		per.addFlags(cmd, 730)
	}, func(*pricing.Book) (billing.Usage, error) {
		var u billing.Usage
		mem, err := parseSize(memory, "GB")
		if err != nil {
			return u, fmt.Errorf("--memory: %w", err)
		}
		eph, err := parseSize(ephemeral, "GB")
		if err != nil {
			return u, fmt.Errorf("--ephemeral: %w", err)
		}
		if err := billing.ValidFargateSize(vcpu, mem); err != nil {
			return u, fmt.Errorf("--vcpu/--memory: %w", err)
		}
		if tasks < 1 || tasks > 100000 {
			return u, fmt.Errorf("--tasks %d must be between 1 and 100,000", tasks)
		}
		s, e, err := per.span()
		if err != nil {
			return u, err
		}
		for i := 0; i < tasks; i++ {
			u.Tasks = append(u.Tasks, billing.TaskUsage{VCPU: vcpu, MemoryGB: mem, EphemeralGB: eph, Arch: arch, Spot: spot, Start: s, End: e})
		}
		return u, nil
	})
}

func newPriceLambdaCmd() *cobra.Command {
	var memory, requests, arch, api, coldStarts string
	var duration, initDur time.Duration
	return billCmd("lambda", "Price Lambda: GB-seconds at 1 ms granularity (INIT included) and requests", func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&memory, "memory", "128", "function memory in MB (128–10240), e.g. 1024 or 1GB")
		cmd.Flags().DurationVar(&duration, "duration", 100*time.Millisecond, "duration of one invocation (rounded up to 1 ms)")
		cmd.Flags().StringVar(&requests, "requests", "1M", "invocations, e.g. 50M, 1.5k, 1000000")
		cmd.Flags().StringVar(&arch, "arch", "x86_64", "x86_64 or arm64")
		cmd.Flags().StringVar(&coldStarts, "cold-starts", "0", "invocations that ran INIT (each billed --init more)")
		cmd.Flags().DurationVar(&initDur, "init", 0, "INIT duration billed on each cold start")
		cmd.Flags().StringVar(&api, "api", "", "add API Gateway requests in front: http or rest")
	}, func(*pricing.Book) (billing.Usage, error) {
		var u billing.Usage
		mb, err := parseSize(memory, "MB")
		if err != nil {
			return u, fmt.Errorf("--memory: %w", err)
		}
		n, err := parseCount(requests)
		if err != nil {
			return u, fmt.Errorf("--requests: %w", err)
		}
		cold, err := parseCount(coldStarts)
		if err != nil || cold > n {
			return u, fmt.Errorf("--cold-starts %q must be a count no larger than --requests", coldStarts)
		}
		if duration <= 0 || initDur < 0 {
			return u, fmt.Errorf("--duration must be positive and --init not negative")
		}
		billed := time.Duration(n)*billing.BilledDuration(duration) + time.Duration(cold)*billing.BilledDuration(initDur)
		u.Lambda = []billing.LambdaUsage{{MemoryMB: int(math.Round(mb)), Arch: arch, Invocations: n, BilledDuration: billed}}
		if api != "" {
			u.APIGateway = []billing.APIGatewayUsage{{Kind: billing.APIKind(api), Requests: n}}
		}
		return u, nil
	})
}

func newPriceAPIGWCmd() *cobra.Command {
	var kind, requests string
	return billCmd("apigw", "Price API Gateway requests (HTTP or REST API, monthly tiers)", func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&kind, "kind", "http", "http or rest")
		cmd.Flags().StringVar(&requests, "requests", "1M", "requests in the month, e.g. 1M, 400M")
	}, func(*pricing.Book) (billing.Usage, error) {
		n, err := parseCount(requests)
		if err != nil {
			return billing.Usage{}, fmt.Errorf("--requests: %w", err)
		}
		return billing.Usage{APIGateway: []billing.APIGatewayUsage{{Kind: billing.APIKind(kind), Requests: n}}}, nil
	})
}

func newPriceALBCmd() *cobra.Command {
	var r billing.ALBUsage
	return billCmd("alb", "Price an Application Load Balancer: hours + LCU-hours on the highest dimension", func(cmd *cobra.Command) {
		cmd.Flags().Float64Var(&r.Hours, "hours", 730, "hours the load balancer exists")
		cmd.Flags().Float64Var(&r.LCUHours, "lcu-hours", 0, "LCU-hours as metered (else computed from the dimensions)")
		cmd.Flags().Float64Var(&r.NewConnPerSec, "new-conn-per-sec", 0, "average new connections per second")
		cmd.Flags().Float64Var(&r.ActiveConnPerMin, "active-conn-per-min", 0, "average active connections per minute")
		cmd.Flags().Float64Var(&r.ProcessedGBPerHour, "processed-gb-per-hour", 0, "average GB processed per hour")
		cmd.Flags().Float64Var(&r.RuleEvalsPerSec, "rule-evals-per-sec", 0, "billed rule evaluations per second (beyond 10 free rules)")
		cmd.Flags().BoolVar(&r.LambdaTargets, "lambda-targets", false, "targets are Lambda functions (0.4 GB/h per LCU)")
	}, func(*pricing.Book) (billing.Usage, error) {
		return billing.Usage{ALB: []billing.ALBUsage{r}}, nil
	})
}

func newPriceTransferCmd() *cobra.Command {
	var gb string
	return billCmd("transfer", "Price data transfer out to the internet (monthly tiers, first 100 GB free)", func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&gb, "out", "100GB", "data sent to the internet in the month, e.g. 500GB or 2TB")
	}, func(*pricing.Book) (billing.Usage, error) {
		v, err := parseSize(gb, "GB")
		if err != nil {
			return billing.Usage{}, fmt.Errorf("--out: %w", err)
		}
		return billing.Usage{DataOut: []billing.DataTransferOut{{GB: v}}}, nil
	})
}

// sizeUnits are binary multiples, as AWS uses them for memory (1 GB of Lambda or Fargate
// memory is 1,024 MB); "TB" and "TiB" serve data transfer sizes.
var sizeUnits = map[string]float64{"": 1, "MB": 1, "MIB": 1, "M": 1, "GB": 1024, "GIB": 1024, "G": 1024, "TB": 1024 * 1024, "TIB": 1024 * 1024}

// parseSize parses "512MB", "2GB", "4GiB" or a bare number in unit, returning it in unit
// ("MB" or "GB").
func parseSize(s, unit string) (float64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, suf := t, ""
	if i >= 0 {
		num, suf = t[:i], strings.ToUpper(strings.TrimSpace(t[i:]))
	}
	v, err := strconv.ParseFloat(num, 64)
	mult, ok := sizeUnits[suf]
	if err != nil || !ok || v < 0 || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a size (e.g. 512MB, 2GB, 4GiB)", s)
	}
	if suf == "" {
		return v, nil
	}
	return v * mult / sizeUnits[unit], nil
}

// parseCount parses "50M", "1.5k", "2B", "1e6" or "1,000,000".
func parseCount(s string) (int64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	mult := 1.0
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult, t = 1e3, t[:n-1]
		case 'M':
			mult, t = 1e6, t[:n-1]
		case 'B', 'G':
			mult, t = 1e9, t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	v *= mult
	if err != nil || v < 0 || v > 1e15 || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a count (e.g. 1M, 50M, 1.5k, 1000000)", s)
	}
	return int64(math.Round(v)), nil
}

// parseRange parses "2-4", "4" (exactly), "4-" (at least), "-8" (at most) with an optional
// unit suffix applying to both ends ("4-16GiB"), returned in unit.
func parseRange(s, unit string) (pricing.Range, error) {
	t := strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a range (e.g. 2-4, 4, 4-, -8, 4-16GiB)", s)
	suffix := func(x string) string {
		return x[strings.LastIndexFunc(x, func(r rune) bool { return (r >= '0' && r <= '9') || r == '.' })+1:]
	}
	lo, hi, isRange := strings.Cut(t, "-")
	def := suffix(lo)
	if isRange {
		def = suffix(hi) // "4-16GiB": the unit after the range applies to both ends
	}
	one := func(x string) (float64, error) {
		if x == "" {
			return 0, nil
		}
		if suffix(x) == "" {
			x += def
		}
		return parseSize(x, unit)
	}
	a, err1 := one(lo)
	b, err2 := one(hi)
	if err1 != nil || err2 != nil || (lo == "" && hi == "") {
		return pricing.Range{}, bad
	}
	if !isRange {
		b = a
	}
	if b != 0 && b < a {
		return pricing.Range{}, bad
	}
	return pricing.Range{Min: a, Max: b}, nil
}
