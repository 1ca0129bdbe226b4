package runner

import (
	"fmt"
	"math"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/billing"
)

// billSummary is a platform's bill with the figures the report needs.
type billSummary struct {
	Bill          *billing.Bill `json:"bill,omitempty"`
	Total         float64       `json:"total_usd"`
	BilledSeconds float64       `json:"billed_s"`
	Notes         []string      `json:"notes,omitempty"`
	Error         string        `json:"error,omitempty"`
}

// Billing minimums, as the pricing package applies them (EC2 per second with a
// 60-second minimum per start; Fargate per second with a 1-minute minimum).
const minBilledSeconds = 60

// wallTime maps a record's time from the platform's uncompressed time back to the run's
// wall clock. Control-plane delays were compressed by the timescale but requests were
// served in real time, so bills are computed over the time the run really took: that is
// what ties a bill to the requests it served.
func wallTime(t, origin time.Time, timescale float64) time.Time {
	if timescale <= 1 || t.IsZero() {
		return t
	}
	return origin.Add(time.Duration(float64(t.Sub(origin)) / timescale))
}

// toBillingUsage converts a platform's meter into billing records, ending still-running
// records at the usage's end.
func toBillingUsage(u platform.Usage, timescale float64) (billing.Usage, float64, error) {
	var bu billing.Usage
	billed := 0.0
	origin, end := u.Start, u.End
	if end.IsZero() {
		end = time.Now()
	}
	for _, r := range u.Instances {
		p, err := pricing.ParsePurchase(r.Purchase)
		if err != nil {
			return bu, 0, fmt.Errorf("instance %s: %w", r.ID, err)
		}
		e := r.EndedAt
		if e.IsZero() {
			e = end
		}
		s, e := wallTime(r.LaunchedAt, origin, timescale), wallTime(e, origin, timescale)
		if e.Before(s) {
			e = s
		}
		bu.Instances = append(bu.Instances, billing.InstanceUsage{ID: r.ID, Type: r.Type, Purchase: p, Start: s, End: e})
		billed += math.Max(minBilledSeconds, e.Sub(s).Seconds())
		if r.ManagedFee {
			bu.MIFees = append(bu.MIFees, billing.MIFee{Type: r.Type, Start: s, End: e})
		}
		if r.SurplusVCPUHours > 0 {
			bu.Credits = append(bu.Credits, billing.CreditSurcharge{Type: r.Type, VCPUHours: r.SurplusVCPUHours})
		}
	}
	for _, t := range u.Tasks {
		e := t.EndedAt
		if e.IsZero() {
			e = end
		}
		s, e := wallTime(t.StartedAt, origin, timescale), wallTime(e, origin, timescale)
		if e.Before(s) {
			e = s
		}
		bu.Tasks = append(bu.Tasks, billing.TaskUsage{ID: t.ID, VCPU: t.VCPU, MemoryGB: t.MemoryGB, Arch: t.Arch, Spot: t.Spot, Start: s, End: e})
		billed += math.Max(minBilledSeconds, e.Sub(s).Seconds())
	}
	if l := u.Lambda; l != nil && l.Invocations > 0 {
		bu.Lambda = append(bu.Lambda, billing.LambdaUsage{MemoryMB: l.MemoryMB, Arch: l.Arch, Invocations: l.Invocations,
			BilledDuration: time.Duration(l.BilledMillis) * time.Millisecond})
		billed += float64(l.BilledMillis) / 1000
	}
	switch u.FrontDoor {
	case "apigw-http":
		bu.APIGateway = append(bu.APIGateway, billing.APIGatewayUsage{Kind: billing.HTTPAPI, Requests: u.Requests})
	case "apigw-rest":
		bu.APIGateway = append(bu.APIGateway, billing.APIGatewayUsage{Kind: billing.RESTAPI, Requests: u.Requests})
	case "alb":
		s, e := wallTime(origin, origin, timescale), wallTime(end, origin, timescale)
		secs := e.Sub(s).Seconds()
		if secs > 0 {
			bu.ALB = append(bu.ALB, billing.ALBUsage{Hours: secs / 3600, NewConnPerSec: float64(u.LBNewConnections) / secs,
				ProcessedGBPerHour: float64(u.LBProcessedBytes) / 1e9 / (secs / 3600)})
		}
	}
	return bu, billed, nil
}

// billOf prices a platform's usage so far. A pricing failure is recorded in the summary
// rather than aborting the run.
func billOf(book *pricing.Book, u platform.Usage, timescale float64) billSummary {
	bu, billed, err := toBillingUsage(u, timescale)
	if err != nil {
		return billSummary{Error: err.Error()}
	}
	b, err := billing.Price(book, bu)
	if err != nil {
		return billSummary{Error: err.Error(), BilledSeconds: billed}
	}
	return billSummary{Bill: b, Total: b.Total(), BilledSeconds: billed, Notes: b.Notes}
}

func priceSource(c *pricing.Catalog) string {
	m := c.Meta()
	if s := m.Sources["ec2 us-east-1 prices"]; s != "" {
		return "embedded catalog (" + s + ")"
	}
	return "embedded catalog"
}

func priceDate(c *pricing.Catalog) string {
	return c.Meta().Dates["us-east-1 on-demand"]
}
