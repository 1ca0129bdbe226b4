package awsprice

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSpotTrace(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "spot-history.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := ReadSpotPriceHistory("spot-history.json", f)
	if err != nil {
		t.Fatal(err)
	}
	if z := tr.Zones(); len(z) != 2 || z[0] != "us-east-1a" {
		t.Errorf("zones = %v", z)
	}
	for i := 1; i < len(tr.Points); i++ {
		if tr.Points[i].Time.Before(tr.Points[i-1].Time) {
			t.Fatal("not sorted")
		}
	}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	tests := []struct {
		zone, at string
		want     float64
		ok       bool
	}{
		{"us-east-1a", "2026-01-31T23:59:59Z", 0, false},
		{"us-east-1a", "2026-02-01T00:00:00Z", 0.035, true},
		{"us-east-1a", "2026-02-01T05:59:59Z", 0.035, true},
		{"us-east-1a", "2026-02-02T00:00:00Z", 0.036, true},
		{"us-east-1b", "2026-02-01T11:00:00Z", 0.038, true},
		{"us-east-1c", "2026-02-01T11:00:00Z", 0, false},
	}
	for _, tt := range tests {
		got, ok := tr.PriceAt(tt.zone, at(tt.at))
		if got != tt.want || ok != tt.ok {
			t.Errorf("PriceAt(%s, %s) = %v %v, want %v %v", tt.zone, tt.at, got, ok, tt.want, tt.ok)
		}
	}
	// 6 h at 0.035 then 6 h at 0.036.
	avg, ok := tr.Average("us-east-1a", at("2026-02-01T00:00:00Z"), at("2026-02-01T12:00:00Z"))
	if !ok || math.Abs(avg-0.0355) > 1e-12 {
		t.Errorf("Average = %v %v", avg, ok)
	}
	// Before the first record only the covered part counts.
	avg, ok = tr.Average("us-east-1b", at("2026-01-31T00:00:00Z"), at("2026-02-02T00:00:00Z"))
	if !ok || math.Abs(avg-(18*0.038+12*0.040)/30) > 1e-12 {
		t.Errorf("Average b = %v %v", avg, ok)
	}
}

func TestSpotTraceErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "h.json: not DescribeSpotPriceHistory JSON"},
		{`{"SpotPriceHistory": []}`, "h.json: SpotPriceHistory: no records"},
		{`{"SpotPriceHistory": [{"AvailabilityZone": "a", "InstanceType": "m5.large", "SpotPrice": "x", "Timestamp": "2026-01-01T00:00:00Z"}]}`, `h.json: SpotPriceHistory[0].SpotPrice: "x" is not a price`},
		{`{"SpotPriceHistory": [{"AvailabilityZone": "a", "InstanceType": "m5.large", "SpotPrice": "1", "Timestamp": "yesterday"}]}`, `SpotPriceHistory[0].Timestamp: "yesterday" is not an RFC 3339 time`},
		{`{"SpotPriceHistory": [{"SpotPrice": "1", "Timestamp": "2026-01-01T00:00:00Z"}]}`, "AvailabilityZone/InstanceType: missing"},
	}
	for _, tt := range tests {
		_, err := ReadSpotPriceHistory("h.json", strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: err = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzReadSpotPriceHistory(f *testing.F) {
	good, _ := os.ReadFile(filepath.Join("testdata", "spot-history.json"))
	f.Add(good)
	f.Add([]byte(`{"SpotPriceHistory":[{"AvailabilityZone":"a","InstanceType":"t","SpotPrice":"1e400","Timestamp":"2026-01-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		tr, err := ReadSpotPriceHistory("fuzz.json", bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, z := range tr.Zones() {
			if _, ok := tr.Average(z, tr.Points[0].Time, tr.Points[len(tr.Points)-1].Time.Add(time.Hour)); !ok {
				t.Fatalf("zone %s has points but no average", z)
			}
		}
	})
}
