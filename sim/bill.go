package sim

import (
	"math"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/billing"
)

// billSummary is a platform's bill as the runner writes it to bill.json.
type billSummary struct {
	Bill          *billing.Bill `json:"bill,omitempty"`
	Total         float64       `json:"total_usd"`
	BilledSeconds float64       `json:"billed_s"`
	Notes         []string      `json:"notes,omitempty"`
	Error         string        `json:"error,omitempty"`
}

// minBilledSeconds is EC2's per-start billing minimum (per second, 60 s minimum), as the
// pricing package applies it.
const minBilledSeconds = 60

// billOf prices a platform's usage with the same rules as a live run. Records are in
// uncompressed platform time: a run at timescale T bills its instances for T times the
// clock time they ran, as AWS would for the platform time the run stands for (billing
// minimums apply to that time).
func billOf(book *pricing.Book, u platform.Usage) billSummary {
	var bu billing.Usage
	billed := 0.0
	origin, end := u.Start, u.End
	for _, r := range u.Instances {
		p, err := pricing.ParsePurchase(r.Purchase)
		if err != nil {
			return billSummary{Error: err.Error()}
		}
		e := r.EndedAt
		if e.IsZero() {
			e = end
		}
		s := r.LaunchedAt
		if e.Before(s) {
			e = s
		}
		bu.Instances = append(bu.Instances, billing.InstanceUsage{ID: r.ID, Type: r.Type, Purchase: p, Start: s, End: e})
		billed += math.Max(minBilledSeconds, e.Sub(s).Seconds())
		if r.ManagedFee { // ECS Managed Instances: the management fee per instance-hour
			bu.MIFees = append(bu.MIFees, billing.MIFee{Type: r.Type, Start: s, End: e})
		}
		if r.SurplusVCPUHours > 0 {
			bu.Credits = append(bu.Credits, billing.CreditSurcharge{Type: r.Type, VCPUHours: r.SurplusVCPUHours})
		}
	}
	for _, t := range u.Tasks { // Fargate: per task, per second, 1-minute minimum
		e := t.EndedAt
		if e.IsZero() {
			e = end
		}
		s := t.StartedAt
		if e.Before(s) {
			e = s
		}
		bu.Tasks = append(bu.Tasks, billing.TaskUsage{ID: t.ID, VCPU: t.VCPU, MemoryGB: t.MemoryGB, Arch: t.Arch, Spot: t.Spot, Start: s, End: e})
		billed += math.Max(minBilledSeconds, e.Sub(s).Seconds())
	}
	if l := u.Lambda; l != nil && l.Invocations > 0 { // service time, never compressed
		bu.Lambda = append(bu.Lambda, billing.LambdaUsage{MemoryMB: l.MemoryMB, Arch: l.Arch, Invocations: l.Invocations,
			BilledDuration: time.Duration(l.BilledMillis) * time.Millisecond})
		billed += float64(l.BilledMillis) / 1000
	}
	switch u.FrontDoor {
	case "apigw-http":
		bu.APIGateway = append(bu.APIGateway, billing.APIGatewayUsage{Kind: billing.HTTPAPI, Requests: u.Requests})
	case "apigw-rest":
		bu.APIGateway = append(bu.APIGateway, billing.APIGatewayUsage{Kind: billing.RESTAPI, Requests: u.Requests})
	}
	if u.FrontDoor == "alb" {
		if secs := end.Sub(origin).Seconds(); secs > 0 {
			a := billing.ALBUsage{Hours: secs / 3600, LCUHours: u.LBLCUHours}
			if a.LCUHours == 0 { // traffic rates are per clock second; the hours are platform hours
				wall := secs / math.Max(u.Timescale, 1)
				a.NewConnPerSec = float64(u.LBNewConnections) / wall
				a.ProcessedGBPerHour = float64(u.LBProcessedBytes) / 1e9 / (wall / 3600)
			}
			bu.ALB = append(bu.ALB, a)
		}
	}
	b, err := billing.Price(book, bu)
	if err != nil {
		return billSummary{Error: err.Error(), BilledSeconds: billed}
	}
	return billSummary{Bill: b, Total: b.Total(), BilledSeconds: billed, Notes: b.Notes}
}
