package billing

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/pricing"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func book(t testing.TB, region string) *pricing.Book {
	t.Helper()
	c, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Book(region)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func exact(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-15+1e-12*math.Abs(want) {
		t.Errorf("%s = %.15g, want %.15g (hand-computed)", what, got, want)
	}
}

// Must show 1: hand-checkable bills against the rates of the embedded price book.
func TestHandCheckedBills(t *testing.T) {
	b := book(t, "us-east-1")
	// The rates the hand computations below use; if the data moves, these fail first.
	for name, want := range map[string]float64{
		pricing.RateFargateX86VCPUHour: 0.04048, pricing.RateFargateX86GBHour: 0.004445,
		"lambda.x86.gb_second.tier1": 0.0000166667, pricing.RateLambdaRequestsPerMillion: 0.20,
		"apigw.http.per_million.tier1": 1.00,
	} {
		if got := b.MustRate(name); got != want {
			t.Fatalf("embedded rate %s = %v, hand computation assumes %v", name, got, want)
		}
	}
	if od, _ := b.OnDemand("t2.medium"); od != 0.0464 {
		t.Fatalf("t2.medium on-demand = %v, hand computation assumes 0.0464", od)
	}
	tests := []struct {
		name  string
		usage Usage
		total float64
		qty   float64 // quantity of the first line
	}{
		{"ec2-30s", Usage{Instances: []InstanceUsage{{Type: "t2.medium", Start: t0, End: t0.Add(30 * time.Second)}}},
			60.0 / 3600 * 0.0464, 60.0 / 3600},
		{"ec2-61s", Usage{Instances: []InstanceUsage{{Type: "t2.medium", Start: t0, End: t0.Add(61 * time.Second)}}},
			61.0 / 3600 * 0.0464, 61.0 / 3600},
		{"fargate-90s", Usage{Tasks: []TaskUsage{{VCPU: 0.25, MemoryGB: 0.5, Start: t0, End: t0.Add(90 * time.Second)}}},
			0.25*90/3600*0.04048 + 0.5*90/3600*0.004445, 0.25 * 90 / 3600},
		{"lambda-1024mb-1m-120ms", Usage{Lambda: []LambdaUsage{{MemoryMB: 1024, Invocations: 1_000_000, BilledDuration: 1_000_000 * 120 * time.Millisecond}}},
			1.0*1e6*0.120*0.0000166667 + 1*0.20, 120000},
		{"http-api-1m", Usage{APIGateway: []APIGatewayUsage{{Kind: HTTPAPI, Requests: 1_000_000}}}, 1.00, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bill, err := Price(b, tt.usage)
			if err != nil {
				t.Fatal(err)
			}
			exact(t, "total", bill.Total(), tt.total)
			exact(t, "first line quantity", bill.Items[0].Quantity, tt.qty)
			for _, it := range bill.Items {
				exact(t, it.Description, it.Amount, it.Quantity*it.Rate)
			}
			var buf bytes.Buffer
			if err := bill.WriteTable(&buf); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.Bytes())
		})
	}
}

func TestEC2Minimums(t *testing.T) {
	b := book(t, "us-east-1")
	tests := []struct {
		name   string
		runs   []time.Duration
		billed float64
		desc   string
	}{
		{"zero", []time.Duration{0}, 60, "1 raised"},
		{"59.5s", []time.Duration{59500 * time.Millisecond}, 60, "billed 60 s"},
		{"60s", []time.Duration{time.Minute}, 60, "billed 60 s"},
		{"60.2s rounds up", []time.Duration{60200 * time.Millisecond}, 61, "billed 61 s"},
		{"each start has its own minimum", []time.Duration{10 * time.Second, 10 * time.Second, 2 * time.Hour}, 60 + 60 + 7200, "3 run(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u Usage
			start := t0
			for _, d := range tt.runs {
				u.Instances = append(u.Instances, InstanceUsage{Type: "m5.large", Start: start, End: start.Add(d)})
				start = start.Add(d + time.Hour)
			}
			bill, err := Price(b, u)
			if err != nil {
				t.Fatal(err)
			}
			if len(bill.Items) != 1 {
				t.Fatalf("want one merged line, got %+v", bill.Items)
			}
			exact(t, "quantity", bill.Items[0].Quantity, tt.billed/3600)
			if !strings.Contains(bill.Items[0].Description, tt.desc) {
				t.Errorf("description %q lacks %q", bill.Items[0].Description, tt.desc)
			}
		})
	}
}

func TestAllServicesBill(t *testing.T) {
	b := book(t, "us-east-1")
	sp, _ := pricing.ParsePurchase("sp-3y-all-upfront")
	u := Usage{
		Instances: []InstanceUsage{
			{Type: "t3.medium", Start: t0, End: t0.Add(730 * time.Hour)},
			{Type: "c6a.2xlarge", Purchase: pricing.Purchase{Kind: pricing.Spot}, Start: t0, End: t0.Add(10 * time.Hour)},
			{Type: "m5.xlarge", Purchase: sp, Start: t0, End: t0.Add(100 * time.Hour)},
		},
		Credits:     []CreditSurcharge{{Type: "t3.medium", VCPUHours: 12.5}},
		MIFees:      []MIFee{{Type: "c6a.2xlarge", Start: t0, End: t0.Add(10 * time.Hour)}, {Type: "m5.large", Start: t0, End: t0.Add(20 * time.Second)}},
		EMRFees:     []EMRFee{{Type: "m5.xlarge", Start: t0, End: t0.Add(time.Hour)}},
		Tasks:       []TaskUsage{{VCPU: 1, MemoryGB: 2, Arch: "arm64", EphemeralGB: 50, Start: t0, End: t0.Add(time.Hour)}, {VCPU: 1, MemoryGB: 2, Spot: true, Start: t0, End: t0.Add(time.Hour)}},
		Lambda:      []LambdaUsage{{MemoryMB: 2048, Invocations: 10_000_000, BilledDuration: 10_000_000 * 400 * time.Millisecond}, {MemoryMB: 512, Arch: "arm64", Invocations: 1000, BilledDuration: time.Minute}},
		Provisioned: []LambdaProvisionedUsage{{MemoryMB: 1024, Concurrency: 2, Enabled: 61 * time.Minute, Invocations: 100, BilledDuration: 10 * time.Second}},
		APIGateway:  []APIGatewayUsage{{Kind: RESTAPI, Requests: 400_000_000}},
		ALB:         []ALBUsage{{Hours: 730, NewConnPerSec: 50, ProcessedGBPerHour: 0.5}, {Hours: 1, LCUHours: 3}},
		DataOut:     []DataTransferOut{{GB: 250}},
	}
	bill, err := Price(b, u)
	if err != nil {
		t.Fatal(err)
	}
	// Lambda x86: 2 GB × 4,000,000 s = 8e6 GB-s, all in tier 1.
	exact(t, "lambda x86", bill.Items[indexOf(t, bill, "x86 duration")].Quantity, 8e6)
	// REST: 333 M in tier 1, 67 M in tier 2.
	exact(t, "rest", bill.ServiceTotal(SvcAPIGW), 333*3.5+67*2.8)
	// ALB: 730 h + 2 LCU (50 new conn/s ÷ 25) × 730 h, + 1 h + 3 LCU-h.
	exact(t, "alb", bill.ServiceTotal(SvcALB), 731*0.0225+(2*730+3)*0.008)
	// Data transfer: first 100 GB free, 150 GB at 0.09.
	exact(t, "transfer", bill.ServiceTotal(SvcTransfer), 150*0.09)
	// Provisioned: 65 min enabled (rounded up to 5 min) × 2 × 1 GB.
	exact(t, "provisioned", bill.Items[indexOf(t, bill, "provisioned concurrency 2")].Quantity, 2*65*60)
	var buf bytes.Buffer
	if err := bill.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "all-services", buf.Bytes())
	buf.Reset()
	if err := bill.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Total float64    `json:"total_usd"`
		Items []LineItem `json:"items"`
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Total != bill.Total() || len(back.Items) != len(bill.Items) {
		t.Errorf("JSON round trip: total %v vs %v", back.Total, bill.Total())
	}
}

func indexOf(t *testing.T, b *Bill, sub string) int {
	t.Helper()
	for i, it := range b.Items {
		if strings.Contains(it.Description, sub) {
			return i
		}
	}
	t.Fatalf("no line with %q", sub)
	return -1
}

func TestInvalidUsage(t *testing.T) {
	b := book(t, "us-east-1")
	tests := []struct {
		name string
		u    Usage
		want string
	}{
		{"unknown type", Usage{Instances: []InstanceUsage{{Type: "t2.mediun", Start: t0, End: t0}}}, "did you mean t2.medium?"},
		{"no end", Usage{Instances: []InstanceUsage{{Type: "t2.medium", Start: t0}}}, "instances[0] t2.medium: start and end"},
		{"backwards", Usage{Tasks: []TaskUsage{{VCPU: 1, MemoryGB: 2, Start: t0, End: t0.Add(-time.Second)}}}, "tasks[0]: end"},
		{"fargate size", Usage{Tasks: []TaskUsage{{VCPU: 0.25, MemoryGB: 4, Start: t0, End: t0}}}, "valid: 0.5, 1, 2 GB"},
		{"fargate spot arm", Usage{Tasks: []TaskUsage{{VCPU: 1, MemoryGB: 2, Arch: "arm64", Spot: true, Start: t0, End: t0}}}, "arm64"},
		{"lambda memory", Usage{Lambda: []LambdaUsage{{MemoryMB: 64}}}, "lambda[0]: memory 64 MB"},
		{"lambda arch", Usage{Lambda: []LambdaUsage{{MemoryMB: 128, Arch: "riscv"}}}, `arch "riscv"`},
		{"apigw kind", Usage{APIGateway: []APIGatewayUsage{{Kind: "websocket"}}}, `kind "websocket"`},
		{"alb negative", Usage{ALB: []ALBUsage{{Hours: -1}}}, "alb[0]"},
		{"dedicated", Usage{Instances: []InstanceUsage{{Type: "m5.large", Purchase: pricing.Purchase{Kind: pricing.DedicatedHost}, Start: t0, End: t0}}}, "dedicated_host.m5.hour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bill, err := Price(b, tt.u)
			if err == nil || !strings.Contains(err.Error(), tt.want) || bill != nil {
				t.Fatalf("err = %v, want %q and no bill", err, tt.want)
			}
		})
	}
	_, err := Price(b, Usage{Instances: []InstanceUsage{{Type: "t2.mediun", Start: t0, End: t0}}})
	if !errors.Is(err, pricing.ErrUnknownType) {
		t.Errorf("not wrapping ErrUnknownType: %v", err)
	}
}

func TestFargateSizes(t *testing.T) {
	for _, ok := range [][2]float64{{0.25, 0.5}, {0.25, 2}, {0.5, 4}, {4, 30}, {8, 60}, {16, 120}, {16, 40}} {
		if err := ValidFargateSize(ok[0], ok[1]); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, bad := range [][2]float64{{0.25, 3}, {0.3, 1}, {1, 1}, {8, 18}, {16, 36}, {4, 31}, {1, 2.5}} {
		if err := ValidFargateSize(bad[0], bad[1]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestBilledDuration(t *testing.T) {
	for in, want := range map[time.Duration]time.Duration{0: 0, 1: time.Millisecond, 120 * time.Millisecond: 120 * time.Millisecond,
		120*time.Millisecond + 1: 121 * time.Millisecond, -5: 0} {
		if got := BilledDuration(in); got != want {
			t.Errorf("BilledDuration(%v) = %v, want %v", in, got, want)
		}
	}
}

func BenchmarkPriceMonth(b *testing.B) {
	bk := book(b, "us-east-1")
	var u Usage
	for i := 0; i < 1000; i++ {
		s := t0.Add(time.Duration(i) * time.Minute)
		u.Instances = append(u.Instances, InstanceUsage{Type: "m5.large", Start: s, End: s.Add(time.Duration(i) * time.Second)})
		u.Tasks = append(u.Tasks, TaskUsage{VCPU: 1, MemoryGB: 2, Start: s, End: s.Add(time.Hour)})
	}
	for b.Loop() {
		if _, err := Price(bk, u); err != nil {
			b.Fatal(err)
		}
	}
}
