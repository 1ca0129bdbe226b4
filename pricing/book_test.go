package pricing

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestHourly(t *testing.T) {
	c := embedded(t)
	b, _ := c.Book("us-east-1")
	tests := []struct {
		typ, purchase string
		want          float64
		basis         string
	}{
		{"m4.large", "on-demand", 0.10, "on-demand"},
		{"m4.large", "ri-1y-no-upfront", 0.062, "standard RI 1y"},
		{"m4.large", "ri-3y-no-upfront", 0.0432, "standard RI 3y"},
		{"m4.large", "ri-conv-1y-no-upfront", 0.0712, "convertible RI 1y"},
		{"m4.large", "ri-1y-all-upfront", 0.062 * 0.93, "all-upfront factor 0.93"},
		{"m4.large", "sp-3y-all-upfront", 0.10 * (1 - 0.4967) * 0.90, "compute savings plan 3y"},
		{"m4.large", "sp-ec2-1y-no-upfront", 0.10 * (1 - 0.37), "ec2instance savings plan 1y"},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.purchase, func(t *testing.T) {
			p, err := ParsePurchase(tt.purchase)
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.purchase {
				t.Errorf("String() = %q", p.String())
			}
			q, err := b.Hourly(tt.typ, p)
			if err != nil {
				t.Fatal(err)
			}
			if !near(q.PerHour, tt.want) || !strings.Contains(q.Basis, tt.basis) {
				t.Errorf("got %v (%s), want %v (%s)", q.PerHour, q.Basis, tt.want, tt.basis)
			}
		})
	}
}

func TestSpot(t *testing.T) {
	c := embedded(t)
	b, _ := c.Book("us-east-1")
	rec, ok := b.SpotSavings("m5.large")
	if !ok {
		t.Fatal("no advisor entry for m5.large")
	}
	q, err := b.Hourly("m5.large", Purchase{Kind: Spot})
	if err != nil {
		t.Fatal(err)
	}
	if !near(q.PerHour, 0.096*(1-float64(rec.SavingsPct)/100)) || !strings.Contains(q.Basis, "advisor") {
		t.Errorf("spot m5.large = %+v (advisor %d %%)", q, rec.SavingsPct)
	}
	// A type without an advisor entry falls back to its family's median.
	delete(c.spot["us-east-1"], "m5.xlarge")
	q, err = b.Hourly("m5.xlarge", Purchase{Kind: Spot})
	if err != nil || !strings.Contains(q.Basis, "family median") {
		t.Errorf("fallback: %+v, %v", q, err)
	}
}

func TestFeesAndDedicated(t *testing.T) {
	c := embedded(t)
	b, _ := c.Book("us-east-1")
	q, err := b.ManagementFee("c6a.2xlarge")
	if err != nil || q.PerHour != 0.037 {
		t.Errorf("published MI fee: %+v %v", q, err)
	}
	od, _ := b.OnDemand("m5.xlarge")
	q, err = b.ManagementFee("m5.xlarge")
	if err != nil || !near(q.PerHour, 0.12*od) || !strings.Contains(q.Basis, "assumed") {
		t.Errorf("fallback MI fee: %+v %v", q, err)
	}
	q, err = b.EMRFee("m5.xlarge")
	if err != nil || q.PerHour != 0.048 {
		t.Errorf("EMR fee: %+v %v", q, err)
	}
	_, err = b.Hourly("m5.large", Purchase{Kind: DedicatedHost})
	if !errors.Is(err, ErrNoPrice) || !strings.Contains(err.Error(), "dedicated_host.m5.hour") {
		t.Errorf("dedicated host without data: %v", err)
	}
	if err := c.SetRate("dedicated_host.m5.hour", 5.069); err != nil {
		t.Fatal(err)
	}
	if q, err := b.Hourly("m5.large", Purchase{Kind: DedicatedHost}); err != nil || q.PerHour != 5.069 {
		t.Errorf("dedicated host: %+v %v", q, err)
	}
}

func TestOtherRegions(t *testing.T) {
	c := embedded(t)
	b, err := c.Book("eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := b.OnDemand("m4.large"); err != nil || p != 0.111 {
		t.Errorf("eu-west-1 m4.large = %v %v", p, err)
	}
	if q, err := b.Hourly("m4.large", Purchase{Kind: Reserved, Years: 1}); err != nil || !strings.Contains(q.Basis, "median discount") {
		t.Errorf("RI outside us-east-1: %+v %v", q, err)
	}
	if len(b.Notes()) == 0 {
		t.Error("no note that service rates are us-east-1's")
	}
	if _, err = b.OnDemand("dl2q.24xlarge"); !errors.Is(err, ErrNoPrice) || !strings.Contains(err.Error(), "eu-west-1") {
		t.Errorf("type not sold in region: %v", err)
	}
}

func TestParsePurchaseErrors(t *testing.T) {
	for _, s := range []string{"ri", "ri-2y-no-upfront", "ri-1y-some-upfront", "sp-1y", "reserved", "spot-1y"} {
		if _, err := ParsePurchase(s); err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("ParsePurchase(%q) = %v", s, err)
		}
	}
}

func TestTiers(t *testing.T) {
	tiers := []Tier{{100, 1}, {300, 0.5}, {0, 0.25}}
	tests := []struct {
		q    float64
		want []float64
		cost float64
	}{
		{0, []float64{0, 0, 0}, 0},
		{50, []float64{50, 0, 0}, 50},
		{100, []float64{100, 0, 0}, 100},
		{250, []float64{100, 150, 0}, 175},
		{1000, []float64{100, 200, 700}, 375},
	}
	for _, tt := range tests {
		got := SplitTiers(tt.q, tiers)
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("SplitTiers(%v) = %v, want %v", tt.q, got, tt.want)
				break
			}
		}
		if c := TieredCost(tt.q, tiers); c != tt.cost {
			t.Errorf("TieredCost(%v) = %v, want %v", tt.q, c, tt.cost)
		}
	}
	c := embedded(t)
	b, _ := c.Book("us-east-1")
	if ts := b.Tiers(RateAPIGatewayREST); len(ts) != 4 || ts[0].UpTo != 333e6 || ts[3].Rate != 1.51 {
		t.Errorf("REST tiers = %+v", ts)
	}
}
