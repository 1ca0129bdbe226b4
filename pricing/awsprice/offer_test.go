package awsprice

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/pricing"
)

func TestReadOffer(t *testing.T) {
	o, err := LoadOffer(filepath.Join("testdata", "offer-ec2.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]float64{
		"us-east-1": {"t2.medium": 0.05, "zz9.large": 0.2},
		"eu-west-1": {"m5.large": 0.107},
		"sa-east-1": {"m5.metal": 7.34},
	}
	if len(o.OnDemand) != len(want) {
		t.Fatalf("regions = %v", o.OnDemand)
	}
	for r, types := range want {
		for typ, p := range types {
			if o.OnDemand[r][typ] != p {
				t.Errorf("%s %s = %v, want %v", r, typ, o.OnDemand[r][typ], p)
			}
		}
		if len(o.OnDemand[r]) != len(types) {
			t.Errorf("%s: %v (Windows, dedicated, reservation or storage leaked in)", r, o.OnDemand[r])
		}
	}
	if o.PublicationDate != "2026-03-01T00:00:00Z" {
		t.Errorf("publication date %q", o.PublicationDate)
	}
	c, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	n, unknown := o.Apply(c)
	if n != 3 || len(unknown) != 1 || unknown[0] != "zz9.large" {
		t.Errorf("Apply = %d, %v", n, unknown)
	}
	b, err := c.Book("sa-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := b.OnDemand("m5.metal"); p != 7.34 {
		t.Errorf("sa-east-1 m5.metal = %v", p)
	}
	if notes := b.Notes(); !strings.Contains(strings.Join(notes, ";"), "offer-ec2.json") {
		t.Errorf("notes = %q", notes)
	}
}

func TestReadOfferErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "offer-ec2.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, in, want string }{
		{"empty", ``, "offer.json: not a valid offer file"},
		{"array", `[]`, "offer.json: not a valid offer file: want an object"},
		{"other service", `{"offerCode": "AmazonS3"}`, `offer.json: offerCode: "AmazonS3" is not AmazonEC2`},
		{"no prices", `{"offerCode": "AmazonEC2", "products": {}, "terms": {}}`, "no on-demand Linux"},
		{"bad price", strings.Replace(string(good), `"0.0500000000"`, `"cheap"`, 1),
			`offer.json: terms.OnDemand.SKUT2MED.SKUT2MED.JRTCKXETXF.priceDimensions.SKUT2MED.JRTCKXETXF.6YS6EN2CT7.pricePerUnit.USD: "cheap" is not a price`},
		{"no type", strings.Replace(string(good), `"instanceType": "t2.medium", "vcpu"`, `"vcpu"`, 1), "offer.json: products.SKUT2MED.attributes.instanceType: missing"},
		{"product not object", `{"products": {"X": 5}}`, "offer.json: products.X:"},
		{"truncated", string(good[:len(good)/2]), "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadOffer("offer.json", strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("not one line: %q", err)
			}
		})
	}
}

func FuzzReadOffer(f *testing.F) {
	good, _ := os.ReadFile(filepath.Join("testdata", "offer-ec2.json"))
	f.Add(good)
	f.Add([]byte(`{"offerCode":"AmazonEC2","products":{"A":{"productFamily":"Compute Instance","attributes":{"operatingSystem":"Linux","tenancy":"Shared","instanceType":"t2.nano","regionCode":"r"}}},"terms":{"OnDemand":{"A":{"T":{"priceDimensions":{"D":{"unit":"Hrs","pricePerUnit":{"USD":"1"}}}}}}}}`))
	f.Add([]byte(`{"terms":{"OnDemand":{"A":[]}}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		o, err := ReadOffer("fuzz.json", bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, types := range o.OnDemand {
			for typ, p := range types {
				if typ == "" || p < 0 || p != p {
					t.Fatalf("bad entry %q = %v", typ, p)
				}
			}
		}
	})
}
