package billing

import (
	"fmt"
	"math"
	"time"

	"github.com/deploybench/deploybench/pricing"
)

// Billing minimums and granularities, each named once with its source.
const (
	// EC2MinimumSeconds: Linux on-demand, spot and RI are billed per second with a
	// 60-second minimum per start (ec2-instance-lifecycle.html).
	EC2MinimumSeconds = 60
	// FargateMinimumSeconds: per second from image pull start to task end, 1-minute
	// minimum (Fargate pricing page).
	FargateMinimumSeconds = 60
	// FeeMinimumSeconds: ECS Managed Instances and EMR fees are per second with a 1-minute
	// minimum (their pricing pages).
	FeeMinimumSeconds = 60
	// ProvisionedRounding: provisioned concurrency enabled time is rounded up to 5 minutes
	// (Lambda pricing page).
	ProvisionedRounding = 5 * time.Minute
)

// Service names used on line items.
const (
	SvcEC2      = "EC2"
	SvcCredits  = "EC2 CPU credits"
	SvcECSMI    = "ECS Managed Instances"
	SvcEMR      = "EMR"
	SvcFargate  = "Fargate"
	SvcLambda   = "Lambda"
	SvcAPIGW    = "API Gateway"
	SvcALB      = "ALB"
	SvcTransfer = "Data transfer"
)

// billedSeconds applies per-second billing with a minimum: whole seconds, rounded up.
func billedSeconds(start, end time.Time, minimum float64) (ran, billed float64, err error) {
	if start.IsZero() || end.IsZero() {
		return 0, 0, fmt.Errorf("start and end times are required")
	}
	if end.Before(start) {
		return 0, 0, fmt.Errorf("end %s is before start %s", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	ran = end.Sub(start).Seconds()
	billed = math.Max(math.Ceil(ran-1e-9), minimum)
	return ran, billed, nil
}

// runs accumulates per-start billing of one line: how many starts, seconds run and billed.
type runs struct {
	n           int
	ran, billed float64
	minimums    int
}

func (r *runs) add(ran, billed float64) {
	r.n++
	r.ran += ran
	r.billed += billed
	if ran < billed-1 {
		r.minimums++ // more than rounding to whole seconds: the minimum applied
	}
}

func (r *runs) describe(what string) string {
	s := fmt.Sprintf("%s: %d run(s), ran %s s, billed %s s", what, r.n, Num(round3(r.ran)), Num(r.billed))
	if r.minimums > 0 {
		s += fmt.Sprintf(" (%d raised to the 60 s minimum)", r.minimums)
	}
	return s
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// lines collects line items in first-seen order, merging lines with the same key.
type lines struct {
	order []string
	items map[string]*LineItem
	runs  map[string]*runs
	what  map[string]string
}

func newLines() *lines {
	return &lines{items: map[string]*LineItem{}, runs: map[string]*runs{}, what: map[string]string{}}
}

func (l *lines) get(key string, proto LineItem) *LineItem {
	it, ok := l.items[key]
	if !ok {
		cp := proto
		it = &cp
		l.items[key] = it
		l.order = append(l.order, key)
	}
	return it
}

// addRun adds one billed run of a per-second priced resource, quantity in hours × size.
func (l *lines) addRun(key, what string, proto LineItem, size, ran, billed float64) {
	it := l.get(key, proto)
	it.Quantity += size * billed / 3600
	r := l.runs[key]
	if r == nil {
		r = &runs{}
		l.runs[key] = r
		l.what[key] = what
	}
	r.add(ran, billed)
}

func (l *lines) bill(b *Bill) {
	for _, k := range l.order {
		it := *l.items[k]
		if r := l.runs[k]; r != nil {
			it.Description = r.describe(l.what[k])
		}
		it.Amount = it.Quantity * it.Rate
		b.Items = append(b.Items, it)
	}
}

// Price applies each service's billing rules to u using book, returning an itemised bill.
// Tiered prices (Lambda, API Gateway, data transfer) treat u as one month. Any invalid
// record is an error naming it; no partial bill is returned.
func Price(book *pricing.Book, u Usage) (*Bill, error) {
	b := &Bill{Region: book.Region(), Notes: book.Notes()}
	steps := []func(*pricing.Book, Usage, *Bill) error{
		priceInstances, priceCredits, priceFees, priceTasks, priceLambda, priceAPIGateway, priceALB, priceDataOut,
	}
	for _, step := range steps {
		if err := step(book, u, b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func priceInstances(book *pricing.Book, u Usage, b *Bill) error {
	l := newLines()
	for i, r := range u.Instances {
		q, err := book.Hourly(r.Type, r.Purchase)
		if err != nil {
			return fmt.Errorf("instances[%d] %s: %w", i, r.Type, err)
		}
		ran, billed, err := billedSeconds(r.Start, r.End, EC2MinimumSeconds)
		if err != nil {
			return fmt.Errorf("instances[%d] %s: %w", i, r.Type, err)
		}
		key := r.Type + "|" + r.Purchase.String()
		l.addRun(key, r.Type+" "+r.Purchase.String(),
			LineItem{Service: SvcEC2, Unit: "instance-hours", Rate: q.PerHour, RateBasis: q.Basis}, 1, ran, billed)
	}
	l.bill(b)
	return nil
}

func priceCredits(book *pricing.Book, u Usage, b *Bill) error {
	rate := book.MustRate(pricing.RateUnlimitedVCPUHour)
	l := newLines()
	for i, r := range u.Credits {
		if r.VCPUHours < 0 || math.IsNaN(r.VCPUHours) {
			return fmt.Errorf("credits[%d] %s: vcpu-hours %v must not be negative", i, r.Type, r.VCPUHours)
		}
		it := l.get(r.Type, LineItem{Service: SvcCredits, Description: r.Type + " unlimited-mode surplus credits (60 credits = 1 vCPU-hour)",
			Unit: "vCPU-hours", Rate: rate, RateBasis: "surplus credits, Linux"})
		it.Quantity += r.VCPUHours
	}
	l.bill(b)
	return nil
}

func priceFees(book *pricing.Book, u Usage, b *Bill) error {
	type fee struct {
		typ        string
		start, end time.Time
	}
	do := func(svc, name string, recs []fee, quote func(string) (pricing.Quote, error)) error {
		l := newLines()
		for i, r := range recs {
			q, err := quote(r.typ)
			if err != nil {
				return fmt.Errorf("%s[%d] %s: %w", name, i, r.typ, err)
			}
			ran, billed, err := billedSeconds(r.start, r.end, FeeMinimumSeconds)
			if err != nil {
				return fmt.Errorf("%s[%d] %s: %w", name, i, r.typ, err)
			}
			l.addRun(r.typ, r.typ+" fee", LineItem{Service: svc, Unit: "instance-hours", Rate: q.PerHour, RateBasis: q.Basis}, 1, ran, billed)
		}
		l.bill(b)
		return nil
	}
	var mi, emr []fee
	for _, r := range u.MIFees {
		mi = append(mi, fee{r.Type, r.Start, r.End})
	}
	for _, r := range u.EMRFees {
		emr = append(emr, fee{r.Type, r.Start, r.End})
	}
	if err := do(SvcECSMI, "mi_fees", mi, book.ManagementFee); err != nil {
		return err
	}
	return do(SvcEMR, "emr_fees", emr, book.EMRFee)
}

func archName(a string) (string, error) {
	switch a {
	case "", "x86_64", "x86", "amd64":
		return "x86", nil
	case "arm64", "arm", "aarch64":
		return "arm", nil
	}
	return "", fmt.Errorf("arch %q is not valid (x86_64 or arm64)", a)
}

func priceTasks(book *pricing.Book, u Usage, b *Bill) error {
	l := newLines()
	spotOff := book.MustRate(pricing.RateFargateSpotDiscount)
	free := book.MustRate(pricing.RateFargateEphemeralFree)
	for i, r := range u.Tasks {
		arch, err := archName(r.Arch)
		if err == nil {
			err = ValidFargateSize(r.VCPU, r.MemoryGB)
		}
		if err == nil && r.EphemeralGB != 0 && (r.EphemeralGB < 20 || r.EphemeralGB > 200) {
			err = fmt.Errorf("ephemeral storage %g GB is not valid (20–200)", r.EphemeralGB)
		}
		if err != nil {
			return fmt.Errorf("tasks[%d]: %w", i, err)
		}
		ran, billed, err := billedSeconds(r.Start, r.End, FargateMinimumSeconds)
		if err != nil {
			return fmt.Errorf("tasks[%d]: %w", i, err)
		}
		vRate := book.MustRate("fargate." + arch + ".vcpu_hour")
		gRate := book.MustRate("fargate." + arch + ".gb_hour")
		label, basis := "Fargate "+arch, "on-demand"
		if r.Spot {
			if arch == "arm" {
				return fmt.Errorf("tasks[%d]: Fargate Spot is not offered for arm64 tasks", i)
			}
			vRate, gRate = vRate*(1-spotOff), gRate*(1-spotOff)
			label, basis = "Fargate Spot "+arch, fmt.Sprintf("Fargate Spot: %g %% off on-demand", spotOff*100)
		}
		l.addRun(label+"|vcpu", fmt.Sprintf("%s vCPU", label),
			LineItem{Service: SvcFargate, Unit: "vCPU-hours", Rate: vRate, RateBasis: basis}, r.VCPU, ran, billed)
		l.addRun(label+"|mem", fmt.Sprintf("%s memory", label),
			LineItem{Service: SvcFargate, Unit: "GB-hours", Rate: gRate, RateBasis: basis}, r.MemoryGB, ran, billed)
		if extra := r.EphemeralGB - free; extra > 0 {
			l.addRun("ephemeral", fmt.Sprintf("ephemeral storage beyond %g GB", free),
				LineItem{Service: SvcFargate, Unit: "GB-hours", Rate: book.MustRate(pricing.RateFargateEphemeralGBH)}, extra, ran, billed)
		}
	}
	l.bill(b)
	return nil
}

// tiered adds one line per used tier of a monthly tiered price.
func tiered(b *Bill, svc, what, unit string, qty, unitScale float64, tiers []pricing.Tier) {
	parts := pricing.SplitTiers(qty, tiers)
	for i, q := range parts {
		if q == 0 && !(i == 0 && qty == 0) {
			continue
		}
		desc := what
		if len(tiers) > 1 {
			lo := 0.0
			if i > 0 {
				lo = tiers[i-1].UpTo
			}
			if tiers[i].UpTo > 0 && i < len(tiers)-1 {
				desc += fmt.Sprintf(" (tier %d: %s–%s %s/month)", i+1, Num(lo/unitScale), Num(tiers[i].UpTo/unitScale), unit)
			} else {
				desc += fmt.Sprintf(" (tier %d: over %s %s/month)", i+1, Num(lo/unitScale), unit)
			}
		}
		b.Items = append(b.Items, LineItem{Service: svc, Description: desc, Quantity: q / unitScale, Unit: unit,
			Rate: tiers[i].Rate, Amount: q / unitScale * tiers[i].Rate})
	}
}

func priceLambda(book *pricing.Book, u Usage, b *Bill) error {
	gbs := map[string]float64{}
	var inv int64
	var archs []string
	for i, r := range u.Lambda {
		arch, err := archName(r.Arch)
		if err == nil && (r.MemoryMB < 128 || r.MemoryMB > 10240) {
			err = fmt.Errorf("memory %d MB is not valid (128–10,240 MB)", r.MemoryMB)
		}
		if err == nil && (r.Invocations < 0 || r.BilledDuration < 0) {
			err = fmt.Errorf("invocations and duration must not be negative")
		}
		if err != nil {
			return fmt.Errorf("lambda[%d]: %w", i, err)
		}
		if _, ok := gbs[arch]; !ok {
			archs = append(archs, arch)
		}
		gbs[arch] += float64(r.MemoryMB) / 1024 * r.BilledDuration.Seconds()
		inv += r.Invocations
	}
	for _, arch := range archs {
		tiered(b, SvcLambda, fmt.Sprintf("%s duration (memory GB × billed seconds, 1 ms granularity incl. INIT)", arch), "GB-s",
			gbs[arch], 1, book.Tiers("lambda."+arch+".gb_second"))
	}
	for i, r := range u.Provisioned {
		arch, err := archName(r.Arch)
		if err == nil && (r.MemoryMB < 128 || r.MemoryMB > 10240 || r.Concurrency < 0 || r.Enabled < 0) {
			err = fmt.Errorf("memory %d MB, concurrency %d, enabled %v: not valid", r.MemoryMB, r.Concurrency, r.Enabled)
		}
		if err != nil {
			return fmt.Errorf("provisioned[%d]: %w", i, err)
		}
		enabled := ((r.Enabled + ProvisionedRounding - 1) / ProvisionedRounding) * ProvisionedRounding
		gb := float64(r.MemoryMB) / 1024
		pcGBs := gb * float64(r.Concurrency) * enabled.Seconds()
		rate := book.MustRate("lambda.provisioned." + arch + ".gb_second")
		b.Items = append(b.Items, LineItem{Service: SvcLambda, Unit: "GB-s", Rate: rate, Quantity: pcGBs, Amount: pcGBs * rate,
			Description: fmt.Sprintf("%s provisioned concurrency %d × %g GB × %s s enabled (rounded up to 5 min)", arch, r.Concurrency, gb, Num(enabled.Seconds()))})
		dRate := book.MustRate("lambda.provisioned." + arch + ".duration_gb_second")
		dGBs := gb * r.BilledDuration.Seconds()
		b.Items = append(b.Items, LineItem{Service: SvcLambda, Unit: "GB-s", Rate: dRate, Quantity: dGBs, Amount: dGBs * dRate,
			Description: fmt.Sprintf("%s duration on provisioned concurrency", arch)})
		inv += r.Invocations
	}
	if len(u.Lambda) > 0 || len(u.Provisioned) > 0 {
		rate := book.MustRate(pricing.RateLambdaRequestsPerMillion)
		q := float64(inv) / 1e6
		b.Items = append(b.Items, LineItem{Service: SvcLambda, Description: fmt.Sprintf("requests: %d invocations", inv),
			Quantity: q, Unit: "1M requests", Rate: rate, Amount: q * rate})
		b.Notes = append(b.Notes, "Lambda free tier (1M requests, 400,000 GB-s per month) not applied")
	}
	return nil
}

func priceAPIGateway(book *pricing.Book, u Usage, b *Bill) error {
	reqs := map[APIKind]int64{}
	var kinds []APIKind
	for i, r := range u.APIGateway {
		if r.Kind != HTTPAPI && r.Kind != RESTAPI {
			return fmt.Errorf("api_gateway[%d]: kind %q is not valid (http or rest)", i, r.Kind)
		}
		if r.Requests < 0 {
			return fmt.Errorf("api_gateway[%d]: requests %d must not be negative", i, r.Requests)
		}
		if _, ok := reqs[r.Kind]; !ok {
			kinds = append(kinds, r.Kind)
		}
		reqs[r.Kind] += r.Requests
	}
	for _, k := range kinds {
		name := map[APIKind]string{HTTPAPI: "HTTP API", RESTAPI: "REST API"}[k]
		tiered(b, SvcAPIGW, fmt.Sprintf("%s requests: %d", name, reqs[k]), "1M requests", float64(reqs[k]), 1e6,
			book.Tiers("apigw."+string(k)+".per_million"))
	}
	return nil
}

// LCU returns the LCUs of an ALB with the given average dimensions, the maximum over them,
// and which dimension set it.
func LCU(book *pricing.Book, r ALBUsage) (float64, string) {
	gbDim := pricing.RateLCUProcessedGBHour
	if r.LambdaTargets {
		gbDim = pricing.RateLCULambdaGBHour
	}
	dims := []struct {
		name string
		v    float64
	}{
		{"new connections", r.NewConnPerSec / book.MustRate(pricing.RateLCUNewConnPerSec)},
		{"active connections", r.ActiveConnPerMin / book.MustRate(pricing.RateLCUActiveConnPerMin)},
		{"processed bytes", r.ProcessedGBPerHour / book.MustRate(gbDim)},
		{"rule evaluations", r.RuleEvalsPerSec / book.MustRate(pricing.RateLCURuleEvalsPerSec)},
	}
	best, name := 0.0, "none"
	for _, d := range dims {
		if d.v > best {
			best, name = d.v, d.name
		}
	}
	return best, name
}

func priceALB(book *pricing.Book, u Usage, b *Bill) error {
	for i, r := range u.ALB {
		for _, v := range []float64{r.Hours, r.LCUHours, r.NewConnPerSec, r.ActiveConnPerMin, r.ProcessedGBPerHour, r.RuleEvalsPerSec} {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("alb[%d]: hours and LCU dimensions must be non-negative numbers", i)
			}
		}
		hr := book.MustRate(pricing.RateALBHour)
		b.Items = append(b.Items, LineItem{Service: SvcALB, Description: "load balancer hours", Quantity: r.Hours, Unit: "ALB-hours", Rate: hr, Amount: r.Hours * hr})
		lcuHours, desc := r.LCUHours, "LCU-hours as metered (highest dimension per hour)"
		if lcuHours == 0 {
			lcu, dim := LCU(book, r)
			lcuHours = lcu * r.Hours
			desc = fmt.Sprintf("LCU-hours: %s LCU (highest dimension: %s) × %s h", Num(lcu), dim, Num(r.Hours))
		}
		lr := book.MustRate(pricing.RateALBLCUHour)
		b.Items = append(b.Items, LineItem{Service: SvcALB, Description: desc, Quantity: lcuHours, Unit: "LCU-hours", Rate: lr, Amount: lcuHours * lr})
	}
	return nil
}

func priceDataOut(book *pricing.Book, u Usage, b *Bill) error {
	gb := 0.0
	for i, r := range u.DataOut {
		if r.GB < 0 || math.IsNaN(r.GB) {
			return fmt.Errorf("data_out[%d]: %v GB must not be negative", i, r.GB)
		}
		gb += r.GB
	}
	if len(u.DataOut) > 0 {
		tiered(b, SvcTransfer, "data transfer out to the internet", "GB", gb, 1, book.Tiers(pricing.RateDataTransferOut))
	}
	return nil
}
