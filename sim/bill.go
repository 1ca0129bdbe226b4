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

// clockTime maps a record's uncompressed platform time back to the clock the run was
// simulated on, as live runs bill over the wall time the run took: requests are never
// compressed, so that is the time that ties a bill to the requests it served.
func clockTime(t, origin time.Time, timescale float64) time.Time {
	if timescale <= 1 || t.IsZero() {
		return t
	}
	return origin.Add(time.Duration(float64(t.Sub(origin)) / timescale))
}

// billOf prices a platform's usage with the same rules as a live run.
func billOf(book *pricing.Book, u platform.Usage, timescale float64) billSummary {
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
		s, e := clockTime(r.LaunchedAt, origin, timescale), clockTime(e, origin, timescale)
		if e.Before(s) {
			e = s
		}
		bu.Instances = append(bu.Instances, billing.InstanceUsage{ID: r.ID, Type: r.Type, Purchase: p, Start: s, End: e})
		billed += math.Max(minBilledSeconds, e.Sub(s).Seconds())
		if r.SurplusVCPUHours > 0 {
			bu.Credits = append(bu.Credits, billing.CreditSurcharge{Type: r.Type, VCPUHours: r.SurplusVCPUHours})
		}
	}
	if u.FrontDoor == "alb" {
		secs := clockTime(end, origin, timescale).Sub(origin).Seconds()
		if secs > 0 {
			bu.ALB = append(bu.ALB, billing.ALBUsage{Hours: secs / 3600, NewConnPerSec: float64(u.LBNewConnections) / secs,
				ProcessedGBPerHour: float64(u.LBProcessedBytes) / 1e9 / (secs / 3600)})
		}
	}
	b, err := billing.Price(book, bu)
	if err != nil {
		return billSummary{Error: err.Error(), BilledSeconds: billed}
	}
	return billSummary{Bill: b, Total: b.Total(), BilledSeconds: billed, Notes: b.Notes}
}
