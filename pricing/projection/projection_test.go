package projection

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/billing"
)

func book(t testing.TB) *pricing.Book {
	t.Helper()
	c, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Book("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.10g, want %.10g", what, got, want)
	}
}

var w = Workload{CPUSeconds: 0.002, MemoryMB: 512}

func TestMonthlyHandChecked(t *testing.T) {
	b := book(t)
	alb := func(rps float64) float64 { return 730*0.0225 + rps*2048*3600/1e9*730*0.008 }
	tests := []struct {
		p     Platform
		rps   float64
		want  float64
		units int
	}{
		// 0.2 vCPU busy / 0.6 = 0.333 vCPU → 2 tasks of 0.25 vCPU / 0.5 GB.
		{Fargate, 100, 2*730*(0.25*0.04048+0.5*0.004445) + alb(100), 2},
		// 512 MB = 0.289 vCPU: 2 ms CPU takes 6.91 ms → billed 7 ms; 262.8 M requests.
		{Lambda, 100, 0.5*0.007*262.8e6*0.0000166667 + 262.8*0.20 + 262.8*1.00, 0},
		// 0.333 vCPU → 1 × m5.large (min capacity).
		{EC2ASG, 100, 730*0.096 + alb(100), 1},
		// 2000 req/s: 6.67 vCPU → 4 × m5.large.
		{EC2ASG, 2000, 4*730*0.096 + alb(2000), 4},
		// 2000 req/s: 27 tasks of 0.25 vCPU; m5.large fits 8 by CPU, 15 by memory → 4 instances.
		{ECSEC2, 2000, 4*730*0.096 + alb(2000), 4},
	}
	for _, tt := range tests {
		e, err := Monthly(b, tt.p, tt.rps, w, Options{})
		if err != nil {
			t.Fatal(err)
		}
		near(t, string(tt.p)+" monthly", e.Monthly, tt.want)
		if e.Units != tt.units || !e.Feasible || e.Bill == nil {
			t.Errorf("%s: units %d feasible %v (%s)", tt.p, e.Units, e.Feasible, e.Detail)
		}
	}
}

func TestECSMIChoosesCheapest(t *testing.T) {
	b := book(t)
	e, err := Monthly(b, ECSMI, 2000, w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Bill.ServiceTotal(billing.SvcECSMI) <= 0 {
		t.Fatalf("no MI fee: %+v", e.Bill.Items)
	}
	// No single type from the catalog does the job for less (EC2 + fee for 27 tasks).
	typ, err := CheapestForTasks(b, 27, 0.25, 0.5, "x86_64", pricing.Purchase{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Detail, typ) {
		t.Errorf("detail %q does not use %s", e.Detail, typ)
	}
	in, _ := b.Catalog().Instance(typ)
	if in.Arch != "x86_64" || in.Burstable || in.BareMetal || in.GPU != nil {
		t.Errorf("cost-optimised choice %s violates the defaults: %+v", typ, in)
	}
	for _, other := range []string{"m5.large", "c6a.xlarge", "c5.large", "m6i.2xlarge"} {
		o, err := Monthly(b, ECSMI, 2000, w, Options{MIInstanceType: other})
		if err != nil {
			t.Fatal(err)
		}
		if o.Monthly < e.Monthly-1e-9 {
			t.Errorf("%s costs %v < chosen %s %v", other, o.Monthly, typ, e.Monthly)
		}
	}
}

func TestBurstableSurcharge(t *testing.T) {
	b := book(t)
	// 1 × t3.micro (2 vCPU, 10 % baseline each = 0.2 vCPU) running 0.5 vCPU busy.
	e, err := Monthly(b, EC2ASG, 250, Workload{CPUSeconds: 0.002, MemoryMB: 256}, Options{InstanceType: "t3.micro", TargetUtilisation: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "credits", e.Bill.ServiceTotal(billing.SvcCredits), (0.5-0.2)*730*0.05)
}

func TestInfeasibleAndErrors(t *testing.T) {
	b := book(t)
	big := Workload{CPUSeconds: 0.01, MemoryMB: 20000}
	e, err := Monthly(b, Lambda, 1, big, Options{})
	if err != nil || e.Feasible || !strings.Contains(e.Reason, "10,240") {
		t.Errorf("lambda 20 GB: %+v %v", e, err)
	}
	e, err = Monthly(b, EC2ASG, 1, big, Options{})
	if err != nil || e.Feasible {
		t.Errorf("m5.large 20 GB: %+v %v", e, err)
	}
	for _, bad := range []struct {
		w Workload
		o Options
		p Platform
	}{
		{Workload{}, Options{}, Lambda},
		{w, Options{TargetUtilisation: 1.5}, Fargate},
		{w, Options{TaskVCPU: 0.25, TaskMemoryGB: 3}, Fargate},
		{w, Options{InstanceType: "t2.mediun"}, EC2ASG},
		{w, Options{}, "kubernetes"},
	} {
		if _, err := Monthly(b, bad.p, 1, bad.w, bad.o); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestBreakeven(t *testing.T) {
	b := book(t)
	levels := TrafficLevels(0.01, 1000)
	if len(levels) != 16 || levels[0] != 0.01 || levels[len(levels)-1] != 1000 {
		t.Fatalf("levels = %v", levels)
	}
	a, err := Breakeven(b, w, Options{}, nil, levels, 0.01, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Points) != len(levels) || a.Points[0].Cheapest != Lambda {
		t.Fatalf("at 0.01 req/s cheapest = %s", a.Points[0].Cheapest)
	}
	if len(a.Crossovers) == 0 || a.Crossovers[0].From != Lambda {
		t.Fatalf("crossovers = %+v", a.Crossovers)
	}
	// At each crossover the cheapest really changes from From to To.
	for _, c := range a.Crossovers {
		if c.From == c.To {
			t.Errorf("degenerate crossover %+v", c)
		}
		at := func(rps float64) Platform {
			best, bp := math.Inf(1), Platform("")
			for _, p := range a.Platforms {
				e, _ := Monthly(b, p, rps, w, Options{})
				if e.Feasible && e.Monthly < best {
					best, bp = e.Monthly, p
				}
			}
			return bp
		}
		if got := at(c.RPS / 1.002); got != c.From {
			t.Errorf("just below %v req/s cheapest is %s, want %s", c.RPS, got, c.From)
		}
		if got := at(c.RPS); got != c.To {
			t.Errorf("at %v req/s cheapest is %s, want %s", c.RPS, got, c.To)
		}
	}
	if _, err := Breakeven(b, w, Options{}, nil, nil, 10, 1); err == nil {
		t.Error("inverted range accepted")
	}
}

func TestConversions(t *testing.T) {
	if RequestsPerMonth(1) != 2628000 || RPSFromMonthly(2628000) != 1 {
		t.Error("730-hour month conversions")
	}
	if v, m := fargateSizeFor(1.5); v != 0.25 || m != 2 {
		t.Errorf("1.5 GB → %v/%v", v, m)
	}
	if v, m := fargateSizeFor(0.3); v != 0.25 || m != 0.5 {
		t.Errorf("0.3 GB → %v/%v", v, m)
	}
	if v, _ := fargateSizeFor(200); v != 0 {
		t.Error("200 GB fits?")
	}
	_ = time.Second
}

func BenchmarkBreakeven(b *testing.B) {
	bk := book(b)
	levels := TrafficLevels(0.01, 1000)
	for b.Loop() {
		if _, err := Breakeven(bk, w, Options{}, nil, levels, 0.01, 1000); err != nil {
			b.Fatal(err)
		}
	}
}
