package billing

import (
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/pricing"
)

func TestPriceMeter(t *testing.T) {
	cat, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	book, err := cat.Book("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := platform.Usage{
		Start: t0, End: t0.Add(90 * time.Second),
		Instances: []platform.InstanceRecord{
			{ID: "i-1", Type: "t2.medium", Purchase: "on-demand", LaunchedAt: t0, EndedAt: t0.Add(30 * time.Second)},
			{ID: "i-2", Type: "t2.medium", LaunchedAt: t0}, // still running: ends at u.End
		},
		Tasks:     []platform.TaskRecord{{ID: "t-1", VCPU: 0.25, MemoryGB: 0.5, StartedAt: t0, EndedAt: t0.Add(90 * time.Second)}},
		Lambda:    &platform.LambdaRecord{MemoryMB: 1024, Invocations: 10, BilledMillis: 1200},
		FrontDoor: "apigw-http", Requests: 10,
	}
	mb := PriceMeter(book, u)
	if mb.Error != "" {
		t.Fatal(mb.Error)
	}
	// 60 s (30 s raised to the minimum) + 90 s + the task's 90 s + Lambda's 1.2 s.
	if want := 60 + 90 + 90 + 1.2; mb.BilledSeconds != want {
		t.Errorf("billed %v s, want %v", mb.BilledSeconds, want)
	}
	od, _ := book.OnDemand("t2.medium")
	if got, want := mb.Bill.ServiceTotal(SvcEC2), od*150/3600; abs(got-want) > 1e-12 {
		t.Errorf("EC2 %v, want %v", got, want)
	}
	if mb.Bill.ServiceTotal(SvcFargate) <= 0 || mb.Bill.ServiceTotal(SvcLambda) <= 0 || mb.Bill.ServiceTotal(SvcAPIGW) <= 0 {
		t.Errorf("bill lacks a service: %+v", mb.Bill.Items)
	}
	if bad := PriceMeter(book, platform.Usage{Instances: []platform.InstanceRecord{{Type: "t2.medium", Purchase: "cheap"}}}); bad.Error == "" {
		t.Error("an unknown purchase option must be reported")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
