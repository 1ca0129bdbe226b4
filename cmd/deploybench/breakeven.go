package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/billing"
	"github.com/deploybench/deploybench/pricing/projection"
	"github.com/spf13/cobra"
)

func init() { register(newBreakevenCmd) }

func newBreakevenCmd() *cobra.Command {
	var src priceSource
	var cpuMS, minRPS, maxRPS, util, taskVCPU, bytesPerReq float64
	var memory, taskMem, lambdaMem, purchase, api, platforms, minMonth, maxMonth string
	var o projection.Options
	var lambdaDur time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "breakeven",
		Short: "Monthly cost vs traffic on Lambda, Fargate, EC2/ASG, ECS on EC2 and ECS MI, and where the cheapest changes",
		Long: `breakeven projects the monthly cost (730 h) of a workload on each platform at steady
traffic levels, given the CPU time and memory one request needs (from a measurement or
flags), and finds the traffic levels where the cheapest platform changes. Capacity is
sized for the average rate at the target utilisation; Lambda sits behind API Gateway, the
others behind an ALB.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mem, err := parseSize(memory, "MB")
			if err != nil {
				return usagef("--memory: %v", err)
			}
			w := projection.Workload{CPUSeconds: cpuMS / 1000, MemoryMB: mem, LambdaDuration: lambdaDur}
			if err := w.Validate(); err != nil {
				return usagef("--cpu-ms/--memory: %v", err)
			}
			o.TargetUtilisation, o.TaskVCPU, o.BytesPerRequest = util, taskVCPU, bytesPerReq
			if taskMem != "" {
				if o.TaskMemoryGB, err = parseSize(taskMem, "GB"); err != nil {
					return usagef("--task-memory: %v", err)
				}
			}
			if (o.TaskVCPU == 0) != (o.TaskMemoryGB == 0) {
				return usagef("--task-vcpu and --task-memory go together")
			}
			if lambdaMem != "" {
				v, err := parseSize(lambdaMem, "MB")
				if err != nil {
					return usagef("--lambda-memory: %v", err)
				}
				o.LambdaMemoryMB = int(math.Ceil(v))
			}
			if o.Purchase, err = pricing.ParsePurchase(purchase); err != nil {
				return usagef("--purchase: %v", err)
			}
			o.API = billing.APIKind(api)
			var ps []projection.Platform
			for _, p := range strings.Split(platforms, ",") {
				ps = append(ps, projection.Platform(strings.TrimSpace(p)))
			}
			b, err := src.book()
			if err != nil {
				return err
			}
			for _, m := range []struct {
				flag, v string
				dst     *float64
			}{{"min-per-month", minMonth, &minRPS}, {"max-per-month", maxMonth, &maxRPS}} {
				if m.v == "" {
					continue
				}
				n, err := parseCount(m.v)
				if err != nil {
					return usagef("--%s: %v", m.flag, err)
				}
				*m.dst = projection.RPSFromMonthly(float64(n))
			}
			levels := projection.TrafficLevels(minRPS, maxRPS)
			if !(minRPS > 0) || !(maxRPS > minRPS) || maxRPS > 1e7 {
				return usagef("--min-rps %v / --max-rps %v: want 0 < min < max ≤ 10,000,000", minRPS, maxRPS)
			}
			a, err := projection.Breakeven(b, w, o, ps, levels, minRPS, maxRPS)
			if err != nil {
				return asUsage(err)
			}
			if asJSON {
				return writeBreakevenJSON(cmd, b, w, a)
			}
			return writeBreakeven(cmd, b, w, a)
		},
	}
	src.addFlags(cmd)
	fl := cmd.Flags()
	fl.Float64Var(&cpuMS, "cpu-ms", 0, "CPU time per request in milliseconds (required)")
	fl.StringVar(&memory, "memory", "512MB", "memory one copy of the service needs")
	fl.DurationVar(&lambdaDur, "lambda-duration", 0, "billed Lambda duration per request (default: CPU time ÷ the memory's CPU share)")
	fl.StringVar(&lambdaMem, "lambda-memory", "", "Lambda function memory (default: --memory, at least 128MB)")
	fl.StringVar(&o.LambdaArch, "lambda-arch", "x86_64", "x86_64 or arm64")
	fl.StringVar(&api, "api", "http", "Lambda's front door: http or rest")
	fl.StringVar(&o.InstanceType, "type", projection.DefaultInstanceType, "instance type for EC2/ASG and ECS on EC2")
	fl.StringVar(&o.MIInstanceType, "mi-type", "", "instance type for ECS MI (default: cost-optimised choice)")
	fl.StringVar(&purchase, "purchase", "on-demand", "EC2 purchase option: "+pricing.PurchaseHelp)
	fl.Float64Var(&util, "utilisation", projection.DefaultTargetUtilisation, "target CPU utilisation of scaled capacity (0–1]")
	fl.IntVar(&o.MinCapacity, "min-capacity", 1, "minimum instances/tasks")
	fl.Float64Var(&taskVCPU, "task-vcpu", 0, "Fargate/ECS task vCPU (default: smallest size fitting --memory)")
	fl.StringVar(&taskMem, "task-memory", "", "Fargate/ECS task memory, e.g. 1GB")
	fl.StringVar(&o.FargateArch, "fargate-arch", "x86_64", "x86_64 or arm64")
	fl.Float64Var(&bytesPerReq, "bytes-per-request", projection.DefaultBytesPerRequest, "request + response bytes (ALB LCU)")
	fl.Float64Var(&o.NewConnPerRequest, "new-conn-per-request", 0, "new client connections per request (ALB LCU; 0 = keep-alive)")
	fl.Float64Var(&minRPS, "min-rps", 0.01, "lowest traffic, requests per second")
	fl.Float64Var(&maxRPS, "max-rps", 1000, "highest traffic, requests per second")
	fl.StringVar(&minMonth, "min-per-month", "", "lowest traffic as requests per month, e.g. 100k (overrides --min-rps)")
	fl.StringVar(&maxMonth, "max-per-month", "", "highest traffic as requests per month, e.g. 1B (overrides --max-rps)")
	fl.StringVar(&platforms, "platforms", "lambda,fargate,ec2-asg,ecs-ec2,ecs-mi", "platforms to compare")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// humanCount prints 2628000 as 2.63M.
func humanCount(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.3gB", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.3gk", v/1e3)
	}
	return fmt.Sprintf("%.3g", v)
}

func writeBreakeven(cmd *cobra.Command, b *pricing.Book, w projection.Workload, a *projection.Analysis) error {
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "Monthly cost (USD, 730 h, %s) of a service using %g ms CPU and %g MB per request\n\n", b.Region(), w.CPUSeconds*1000, w.MemoryMB)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"REQ/S", "REQ/MONTH"}
	for _, p := range a.Platforms {
		head = append(head, strings.ToUpper(string(p)))
	}
	fmt.Fprintf(tw, "%s\tCHEAPEST\t\n", strings.Join(head, "\t"))
	for _, pt := range a.Points {
		row := []string{fmt.Sprint(pt.RPS), humanCount(projection.RequestsPerMonth(pt.RPS))}
		for _, e := range pt.Estimates {
			if !e.Feasible {
				row = append(row, "n/a")
				continue
			}
			row = append(row, fmt.Sprintf("%.2f", e.Monthly))
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", strings.Join(row, "\t"), pt.Cheapest)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	if len(a.Crossovers) == 0 {
		fmt.Fprintln(out, "No crossover: the same platform is cheapest over the whole range.")
	}
	for _, c := range a.Crossovers {
		fmt.Fprintf(out, "crossover at %.4g req/s (%s req/month): %s → %s\n", c.RPS, humanCount(projection.RequestsPerMonth(c.RPS)), c.From, c.To)
	}
	if len(a.Points) > 0 {
		fmt.Fprintln(out, "\nsizing at the highest traffic level:")
		last := a.Points[len(a.Points)-1]
		for _, e := range last.Estimates {
			d := e.Detail
			if !e.Feasible {
				d = "not feasible: " + e.Reason
			}
			fmt.Fprintf(out, "  %-8s %s\n", e.Platform, d)
		}
	}
	for _, n := range b.Notes() {
		fmt.Fprintf(out, "note: %s\n", n)
	}
	return nil
}

func writeBreakevenJSON(cmd *cobra.Command, b *pricing.Book, w projection.Workload, a *projection.Analysis) error {
	type est struct {
		Platform string  `json:"platform"`
		Monthly  float64 `json:"monthly_usd"`
		Feasible bool    `json:"feasible"`
		Units    int     `json:"units,omitempty"`
		Detail   string  `json:"detail,omitempty"`
		Reason   string  `json:"reason,omitempty"`
	}
	type point struct {
		RPS       float64 `json:"rps"`
		PerMonth  float64 `json:"requests_per_month"`
		Cheapest  string  `json:"cheapest"`
		Estimates []est   `json:"estimates"`
	}
	out := struct {
		Region     string                 `json:"region"`
		CPUSeconds float64                `json:"cpu_seconds_per_request"`
		MemoryMB   float64                `json:"memory_mb"`
		Points     []point                `json:"points"`
		Crossovers []projection.Crossover `json:"crossovers"`
		Notes      []string               `json:"notes,omitempty"`
	}{Region: b.Region(), CPUSeconds: w.CPUSeconds, MemoryMB: w.MemoryMB, Crossovers: a.Crossovers, Notes: b.Notes()}
	for _, pt := range a.Points {
		p := point{RPS: pt.RPS, PerMonth: projection.RequestsPerMonth(pt.RPS), Cheapest: string(pt.Cheapest)}
		for _, e := range pt.Estimates {
			p.Estimates = append(p.Estimates, est{string(e.Platform), e.Monthly, e.Feasible, e.Units, e.Detail, e.Reason})
		}
		out.Points = append(out.Points, p)
	}
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
