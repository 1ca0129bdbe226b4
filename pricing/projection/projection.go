package projection

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/billing"
)

// Modelling defaults, each overridable through Options.
const (
	// HoursPerMonth is AWS's convention for monthly prices (730 h = 8,760 h / 12).
	HoursPerMonth = 730
	// DefaultTargetUtilisation is the steady-state CPU utilisation a scaled fleet runs at;
	// target tracking policies commonly aim at 50–70 %.
	DefaultTargetUtilisation = 0.6
	// DefaultInstanceType sizes EC2/ASG and ECS on EC2 when none is given.
	DefaultInstanceType = "m5.large"
	// LambdaMBPerVCPU: Lambda allocates CPU in proportion to memory, 1,769 MB = 1 vCPU
	// (gettingstarted-limits.html); a single-threaded handler cannot use more than one.
	LambdaMBPerVCPU = 1769
	// ECSReservedMemoryFraction approximates the memory an ECS container instance does not
	// register for tasks (OS, agent): m5.large registers about 7.5 of 8 GiB. An assumption.
	ECSReservedMemoryFraction = 0.06
	// DefaultBytesPerRequest is request + response size for the ALB processed-bytes LCU
	// dimension. An assumption; set Options.BytesPerRequest from a measurement.
	DefaultBytesPerRequest = 2048
)

// Platform names a deployment option.
type Platform string

// The platforms projected.
const (
	Lambda  Platform = "lambda"
	Fargate Platform = "fargate"
	EC2ASG  Platform = "ec2-asg"
	ECSEC2  Platform = "ecs-ec2"
	ECSMI   Platform = "ecs-mi"
)

// Platforms lists all platforms in display order.
var Platforms = []Platform{Lambda, Fargate, EC2ASG, ECSEC2, ECSMI}

// Workload is what one request costs the service, measured or given.
type Workload struct {
	CPUSeconds float64 // CPU time per request, seconds
	MemoryMB   float64 // memory one copy of the service needs (process, task, function)
	// LambdaDuration is the billed duration of one Lambda invocation; 0 derives it from
	// CPUSeconds and the CPU share of the function's memory.
	LambdaDuration time.Duration
}

// Validate checks the workload, naming the field.
func (w Workload) Validate() error {
	if !(w.CPUSeconds > 0) || math.IsInf(w.CPUSeconds, 0) {
		return fmt.Errorf("workload cpu: %v s per request must be positive", w.CPUSeconds)
	}
	if !(w.MemoryMB > 0) || math.IsInf(w.MemoryMB, 0) {
		return fmt.Errorf("workload memory: %v MB must be positive", w.MemoryMB)
	}
	if w.LambdaDuration < 0 {
		return fmt.Errorf("workload lambda duration %v must not be negative", w.LambdaDuration)
	}
	return nil
}

// Options are the deployment choices; the zero value uses the defaults above.
type Options struct {
	TargetUtilisation float64          // fraction of vCPU capacity used; default 0.6
	InstanceType      string           // EC2/ASG and ECS on EC2; default m5.large
	MIInstanceType    string           // ECS MI; "" = cost-optimised choice (cheapest that fits)
	Purchase          pricing.Purchase // EC2-based platforms
	MinCapacity       int              // minimum instances/tasks; default 1
	TaskVCPU          float64          // Fargate/ECS task size; default: smallest valid that fits the memory
	TaskMemoryGB      float64
	LambdaMemoryMB    int             // default: the workload memory rounded up, at least 128
	LambdaArch        string          // "x86_64" (default) or "arm64"
	FargateArch       string          // "x86_64" (default) or "arm64"
	API               billing.APIKind // Lambda's front door; default HTTP API
	BytesPerRequest   float64         // default 2,048
	NewConnPerRequest float64         // new client connections per request; default 0 (keep-alive)

	// miChoice memoises ECS MI's instance choice by task count within one Breakeven
	// (same book and options throughout), which otherwise dominates its run time.
	miChoice map[int]string
}

func (o Options) withDefaults(w Workload) (Options, error) {
	if o.TargetUtilisation == 0 {
		o.TargetUtilisation = DefaultTargetUtilisation
	}
	if !(o.TargetUtilisation > 0 && o.TargetUtilisation <= 1) {
		return o, fmt.Errorf("target utilisation %v must be in (0, 1]", o.TargetUtilisation)
	}
	if o.InstanceType == "" {
		o.InstanceType = DefaultInstanceType
	}
	if o.MinCapacity == 0 {
		o.MinCapacity = 1
	}
	if o.MinCapacity < 0 {
		return o, fmt.Errorf("min capacity %d must not be negative", o.MinCapacity)
	}
	if o.TaskVCPU == 0 && o.TaskMemoryGB == 0 {
		o.TaskVCPU, o.TaskMemoryGB = fargateSizeFor(w.MemoryMB / 1024)
		if o.TaskVCPU == 0 {
			return o, fmt.Errorf("workload memory %v MB does not fit the largest Fargate task (120 GB)", w.MemoryMB)
		}
	}
	if err := billing.ValidFargateSize(o.TaskVCPU, o.TaskMemoryGB); err != nil {
		return o, err
	}
	if o.LambdaMemoryMB == 0 {
		o.LambdaMemoryMB = max(128, int(math.Ceil(w.MemoryMB)))
	}
	if o.API == "" {
		o.API = billing.HTTPAPI
	}
	if o.BytesPerRequest == 0 {
		o.BytesPerRequest = DefaultBytesPerRequest
	}
	if o.BytesPerRequest < 0 || o.NewConnPerRequest < 0 {
		return o, errors.New("bytes and new connections per request must not be negative")
	}
	return o, nil
}

func (o Options) archOrDefault() string {
	if o.FargateArch == "" {
		return "x86_64"
	}
	return o.FargateArch
}

// fargateSizeFor returns the smallest (cheapest) Fargate task size with at least gb memory.
func fargateSizeFor(gb float64) (vcpu, mem float64) {
	for _, c := range []struct{ v, lo, hi, step float64 }{
		{0.25, 0.5, 2, 0.5}, {0.5, 1, 4, 1}, {1, 2, 8, 1}, {2, 4, 16, 1}, {4, 8, 30, 1}, {8, 16, 60, 4}, {16, 32, 120, 8},
	} {
		for m := c.lo; m <= c.hi; m += c.step {
			if c.v == 0.25 && m == 1.5 {
				continue // 0.25 vCPU allows 0.5, 1 and 2 GB only
			}
			if m >= gb {
				return c.v, m
			}
		}
	}
	return 0, 0
}

// Estimate is one platform's projected monthly cost at one traffic level.
type Estimate struct {
	Platform Platform
	RPS      float64
	Monthly  float64       // USD per month (730 h)
	Units    int           // instances, tasks, or 0 for Lambda
	Detail   string        // how the capacity was sized
	Feasible bool          // false: the workload cannot run this way (Reason says why)
	Reason   string        //
	Bill     *billing.Bill // the month's itemised bill (nil if infeasible)
}

// Monthly projects the monthly cost of serving rps requests per second of w on p. The
// capacity is sized for the average rate at the target utilisation (no diurnal peaks: feed
// the simulator for those) and priced with package billing, so the same rules apply as to
// measured usage.
func Monthly(book *pricing.Book, p Platform, rps float64, w Workload, o Options) (Estimate, error) {
	if err := w.Validate(); err != nil {
		return Estimate{}, err
	}
	if rps < 0 || math.IsNaN(rps) || math.IsInf(rps, 0) {
		return Estimate{}, fmt.Errorf("traffic %v req/s must be a non-negative number", rps)
	}
	o, err := o.withDefaults(w)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Platform: p, RPS: rps, Feasible: true}
	var u billing.Usage
	switch p {
	case Lambda:
		err = lambdaUsage(&e, &u, rps, w, o)
	case Fargate:
		err = fargateUsage(&e, &u, rps, w, o)
	case EC2ASG:
		err = ec2Usage(book, &e, &u, rps, w, o)
	case ECSEC2, ECSMI:
		err = ecsUsage(book, &e, &u, p, rps, w, o)
	default:
		return Estimate{}, fmt.Errorf("platform %q is not known (lambda, fargate, ec2-asg, ecs-ec2, ecs-mi)", p)
	}
	if err != nil || !e.Feasible {
		return e, err
	}
	if p != Lambda {
		u.ALB = []billing.ALBUsage{{Hours: HoursPerMonth, NewConnPerSec: rps * o.NewConnPerRequest,
			ProcessedGBPerHour: rps * o.BytesPerRequest * 3600 / 1e9}}
	}
	bill, err := billing.Price(book, u)
	if err != nil {
		return Estimate{}, fmt.Errorf("%s: %w", p, err)
	}
	e.Bill, e.Monthly = bill, bill.Total()
	return e, nil
}

var month0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func month() (time.Time, time.Time) { return month0, month0.Add(HoursPerMonth * time.Hour) }

// vcpusNeeded is the vCPU capacity that runs rps at the target utilisation.
func vcpusNeeded(rps float64, w Workload, o Options) float64 {
	return rps * w.CPUSeconds / o.TargetUtilisation
}

func lambdaUsage(e *Estimate, u *billing.Usage, rps float64, w Workload, o Options) error {
	if o.LambdaMemoryMB > 10240 {
		e.Feasible, e.Reason = false, fmt.Sprintf("needs %d MB, Lambda allows at most 10,240 MB", o.LambdaMemoryMB)
		return nil
	}
	d := w.LambdaDuration
	if d == 0 {
		share := math.Min(1, float64(o.LambdaMemoryMB)/LambdaMBPerVCPU)
		d = time.Duration(w.CPUSeconds / share * float64(time.Second))
	}
	d = billing.BilledDuration(d)
	if d > 900*time.Second {
		e.Feasible, e.Reason = false, fmt.Sprintf("a request takes %v, over Lambda's 900 s timeout", d)
		return nil
	}
	n := int64(math.Round(rps * HoursPerMonth * 3600))
	u.Lambda = []billing.LambdaUsage{{MemoryMB: o.LambdaMemoryMB, Arch: o.LambdaArch, Invocations: n, BilledDuration: time.Duration(n) * d}}
	u.APIGateway = []billing.APIGatewayUsage{{Kind: o.API, Requests: n}}
	conc := rps * d.Seconds()
	e.Detail = fmt.Sprintf("%d MB, %v per request, %.4g requests/month, mean concurrency %.1f", o.LambdaMemoryMB, d, float64(n), conc)
	if conc > 1000 {
		e.Detail += " (over the default 1,000 account concurrency: needs a quota increase)"
	}
	return nil
}

func fargateUsage(e *Estimate, u *billing.Usage, rps float64, w Workload, o Options) error {
	if w.MemoryMB/1024 > o.TaskMemoryGB {
		e.Feasible, e.Reason = false, fmt.Sprintf("task memory %g GB < workload %g MB", o.TaskMemoryGB, w.MemoryMB)
		return nil
	}
	tasks := max(o.MinCapacity, int(math.Ceil(vcpusNeeded(rps, w, o)/o.TaskVCPU-1e-9)))
	s, end := month()
	for i := 0; i < tasks; i++ {
		u.Tasks = append(u.Tasks, billing.TaskUsage{VCPU: o.TaskVCPU, MemoryGB: o.TaskMemoryGB, Arch: o.FargateArch, Start: s, End: end})
	}
	e.Units = tasks
	e.Detail = fmt.Sprintf("%d task(s) of %g vCPU/%g GB at ≤%.0f %% CPU", tasks, o.TaskVCPU, o.TaskMemoryGB, o.TargetUtilisation*100)
	return nil
}

func ec2Usage(book *pricing.Book, e *Estimate, u *billing.Usage, rps float64, w Workload, o Options) error {
	in, err := book.Catalog().Instance(o.InstanceType)
	if err != nil {
		return err
	}
	if w.MemoryMB > float64(in.MemoryMiB) {
		e.Feasible, e.Reason = false, fmt.Sprintf("%s has %d MiB, the workload needs %g MB", in.Type, in.MemoryMiB, w.MemoryMB)
		return nil
	}
	n := max(o.MinCapacity, int(math.Ceil(vcpusNeeded(rps, w, o)/float64(in.VCPUs)-1e-9)))
	s, end := month()
	for i := 0; i < n; i++ {
		u.Instances = append(u.Instances, billing.InstanceUsage{Type: in.Type, Purchase: o.Purchase, Start: s, End: end})
	}
	e.Units = n
	e.Detail = fmt.Sprintf("%d × %s (%d vCPU) at ≤%.0f %% CPU", n, in.Type, in.VCPUs, o.TargetUtilisation*100)
	surcharge(u, in, n, rps*w.CPUSeconds)
	return nil
}

// surcharge adds the unlimited-mode credit surcharge of burstable instances whose average
// CPU use (busyVCPUs spread over n instances) exceeds their baseline.
func surcharge(u *billing.Usage, in pricing.Instance, n int, busyVCPUs float64) {
	if in.Credits == nil || n == 0 {
		return
	}
	over := busyVCPUs - float64(n*in.VCPUs)*in.Credits.BaselinePerVCPU
	if over > 0 {
		u.Credits = append(u.Credits, billing.CreditSurcharge{Type: in.Type, VCPUHours: over * HoursPerMonth})
	}
}

// tasksPerInstance is how many tasks of the given size an instance of in registers room for.
func tasksPerInstance(in pricing.Instance, vcpu, memGB float64) int {
	byCPU := math.Floor(float64(in.VCPUs)/vcpu + 1e-9)
	byMem := math.Floor(float64(in.MemoryMiB)*(1-ECSReservedMemoryFraction)/(memGB*1024) + 1e-9)
	return int(math.Min(byCPU, byMem))
}

func ecsUsage(book *pricing.Book, e *Estimate, u *billing.Usage, p Platform, rps float64, w Workload, o Options) error {
	if w.MemoryMB/1024 > o.TaskMemoryGB {
		e.Feasible, e.Reason = false, fmt.Sprintf("task memory %g GB < workload %g MB", o.TaskMemoryGB, w.MemoryMB)
		return nil
	}
	tasks := max(o.MinCapacity, int(math.Ceil(vcpusNeeded(rps, w, o)/o.TaskVCPU-1e-9)))
	typ := o.InstanceType
	if p == ECSMI {
		typ = o.MIInstanceType
		if typ == "" {
			typ = o.miChoice[tasks]
		}
		if typ == "" {
			var err error
			if typ, err = CheapestForTasks(book, tasks, o.TaskVCPU, o.TaskMemoryGB, o.archOrDefault(), o.Purchase); err != nil {
				return err
			}
			if o.miChoice != nil {
				o.miChoice[tasks] = typ
			}
		}
	}
	in, err := book.Catalog().Instance(typ)
	if err != nil {
		return err
	}
	per := tasksPerInstance(in, o.TaskVCPU, o.TaskMemoryGB)
	if per < 1 {
		e.Feasible, e.Reason = false, fmt.Sprintf("a %g vCPU/%g GB task does not fit on %s", o.TaskVCPU, o.TaskMemoryGB, typ)
		return nil
	}
	n := (tasks + per - 1) / per
	s, end := month()
	for i := 0; i < n; i++ {
		u.Instances = append(u.Instances, billing.InstanceUsage{Type: typ, Purchase: o.Purchase, Start: s, End: end})
		if p == ECSMI {
			u.MIFees = append(u.MIFees, billing.MIFee{Type: typ, Start: s, End: end})
		}
	}
	e.Units = n
	e.Detail = fmt.Sprintf("%d task(s) of %g vCPU/%g GB on %d × %s (%d per instance)", tasks, o.TaskVCPU, o.TaskMemoryGB, n, typ, per)
	surcharge(u, in, n, rps*w.CPUSeconds)
	return nil
}

// CheapestForTasks is ECS Managed Instances' cost-optimised choice for a projection: among
// the types of the task's architecture ("" = any) that fit at least one task
// (pricing.Catalog.Select), the one whose instances for all tasks cost least per hour, EC2
// price plus management fee. Burstable, bare metal and accelerated types are left out, as
// EC2 attribute-based selection does by default (InstanceRequirements: burstable
// performance and bare metal "excluded" unless asked for).
func CheapestForTasks(book *pricing.Book, tasks int, vcpu, memGB float64, arch string, purchase pricing.Purchase) (string, error) {
	switch arch {
	case "x86", "amd64":
		arch = "x86_64"
	case "arm", "aarch64":
		arch = "arm64"
	}
	ms, err := book.Catalog().Select(book.Region(), pricing.Filter{
		VCPUs: pricing.Range{Min: vcpu}, MemoryGiB: pricing.Range{Min: memGB / (1 - ECSReservedMemoryFraction)},
		Arch: arch, BareMetal: ptr(false), Burstable: ptr(false),
	})
	if err != nil {
		return "", err
	}
	best, bestCost := "", math.Inf(1)
	for _, m := range ms {
		if m.GPU != nil || m.Accelerator != nil {
			continue
		}
		per := tasksPerInstance(m.Instance, vcpu, memGB)
		if per < 1 {
			continue
		}
		q, err := book.Hourly(m.Type, purchase)
		if err != nil {
			continue
		}
		fee, err := book.ManagementFee(m.Type)
		if err != nil {
			continue
		}
		n := (max(tasks, 1) + per - 1) / per
		if c := float64(n) * (q.PerHour + fee.PerHour); c < bestCost {
			best, bestCost = m.Type, c
		}
	}
	if best == "" {
		return "", fmt.Errorf("%w: no instance type fits a %g vCPU/%g GB task", pricing.ErrNoMatch, vcpu, memGB)
	}
	return best, nil
}

func ptr[T any](v T) *T { return &v }
