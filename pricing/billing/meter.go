package billing

import (
	"fmt"
	"math"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
)

// MeterBill is a platform's bill with the figures reports need; a pricing failure is kept
// in Error rather than lost, so a run still reports the rest.
type MeterBill struct {
	Bill          *Bill    `json:"bill,omitempty"`
	Total         float64  `json:"total_usd"`
	BilledSeconds float64  `json:"billed_s"`
	Notes         []string `json:"notes,omitempty"`
	Error         string   `json:"error,omitempty"`
}

// PriceMeter prices a platform's meter records with the billing rules. Live runs and the
// simulator both bill through it.
func PriceMeter(book *pricing.Book, u platform.Usage) MeterBill {
	bu, billed, err := FromMeter(u)
	if err != nil {
		return MeterBill{Error: err.Error()}
	}
	b, err := Price(book, bu)
	if err != nil {
		return MeterBill{Error: err.Error(), BilledSeconds: billed}
	}
	return MeterBill{Bill: b, Total: b.Total(), BilledSeconds: billed, Notes: b.Notes}
}

// FromMeter converts a platform's meter into billing records, ending still-running
// records at the usage's end, and returns the billed compute seconds (instance-, task- or
// function-seconds after the minimums) beside them. Records are in uncompressed platform time: a run at
// timescale T bills its instances and tasks for T times the wall-clock time they ran, as
// AWS would for the platform time the run stands for (and billing minimums apply to that
// time). Lambda durations are request service time, which is never compressed.
func FromMeter(u platform.Usage) (Usage, float64, error) {
	var bu Usage
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
		s := r.LaunchedAt
		if e.Before(s) {
			e = s
		}
		bu.Instances = append(bu.Instances, InstanceUsage{ID: r.ID, Type: r.Type, Purchase: p, Start: s, End: e})
		billed += math.Max(EC2MinimumSeconds, e.Sub(s).Seconds())
		if r.ManagedFee {
			bu.MIFees = append(bu.MIFees, MIFee{Type: r.Type, Start: s, End: e})
		}
		if r.SurplusVCPUHours > 0 {
			bu.Credits = append(bu.Credits, CreditSurcharge{Type: r.Type, VCPUHours: r.SurplusVCPUHours})
		}
	}
	for _, t := range u.Tasks {
		e := t.EndedAt
		if e.IsZero() {
			e = end
		}
		s := t.StartedAt
		if e.Before(s) {
			e = s
		}
		bu.Tasks = append(bu.Tasks, TaskUsage{ID: t.ID, VCPU: t.VCPU, MemoryGB: t.MemoryGB, Arch: t.Arch, Spot: t.Spot, Start: s, End: e})
		billed += math.Max(FargateMinimumSeconds, e.Sub(s).Seconds())
	}
	if l := u.Lambda; l != nil && l.Invocations > 0 {
		bu.Lambda = append(bu.Lambda, LambdaUsage{MemoryMB: l.MemoryMB, Arch: l.Arch, Invocations: l.Invocations,
			BilledDuration: time.Duration(l.BilledMillis) * time.Millisecond})
		billed += float64(l.BilledMillis) / 1000
	}
	switch u.FrontDoor {
	case "apigw-http":
		bu.APIGateway = append(bu.APIGateway, APIGatewayUsage{Kind: HTTPAPI, Requests: u.Requests})
	case "apigw-rest":
		bu.APIGateway = append(bu.APIGateway, APIGatewayUsage{Kind: RESTAPI, Requests: u.Requests})
	case "alb":
		secs := end.Sub(origin).Seconds()
		if secs > 0 {
			a := ALBUsage{Hours: secs / 3600, LCUHours: u.LBLCUHours}
			if a.LCUHours == 0 {
				// Traffic rates are real (per wall second); the hours are platform hours.
				wall := secs / math.Max(u.Timescale, 1)
				a.NewConnPerSec = float64(u.LBNewConnections) / wall
				a.ProcessedGBPerHour = float64(u.LBProcessedBytes) / 1e9 / (wall / 3600)
			}
			bu.ALB = append(bu.ALB, a)
		}
	}
	return bu, billed, nil
}
