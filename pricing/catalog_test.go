package pricing

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func embedded(t testing.TB) *Catalog {
	t.Helper()
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Must show 3: ≥ 300 types priced in us-east-1, the reference studies' types and GPU families.
func TestCatalogCoverage(t *testing.T) {
	c := embedded(t)
	b, err := c.Book("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	priced := 0
	for _, typ := range c.Types() {
		if _, err := b.OnDemand(typ); err == nil {
			priced++
		}
	}
	if priced < 300 {
		t.Errorf("%d types priced in us-east-1, want ≥ 300", priced)
	}
	// Reference prices (aws-facts.md, EC2 primer) that the catalog must reproduce.
	want := map[string]float64{
		"t2.small": 0.023, "t2.medium": 0.0464, "t2.xlarge": 0.1856, "t3a.xlarge": 0.1504,
		"m5.xlarge": 0.192, "c4.xlarge": 0, "m4.large": 0.10,
	}
	for typ, p := range want {
		got, err := b.OnDemand(typ)
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		if p != 0 && got != p {
			t.Errorf("%s on-demand = %v, want %v", typ, got, p)
		}
	}
	for _, fam := range []string{"g4dn", "g5", "g6"} {
		ms, err := c.Select("us-east-1", Filter{Families: []string{fam}})
		if err != nil {
			t.Errorf("family %s: %v", fam, err)
			continue
		}
		for _, m := range ms {
			if m.GPUs() < 1 || m.GPU.MemoryMiB == 0 {
				t.Errorf("%s: GPU spec missing: %+v", m.Type, m.GPU)
			}
		}
	}
	if c.Meta().Sources["ec2 us-east-1 prices"] == "" || c.Meta().Dates["us-east-1 on-demand"] == "" {
		t.Errorf("catalog meta lacks sources/dates: %+v", c.Meta())
	}
	if err := b.Validate(); err != nil {
		t.Error(err)
	}
}

func TestInstanceSpecs(t *testing.T) {
	c := embedded(t)
	in, err := c.Instance("t2.medium")
	if err != nil {
		t.Fatal(err)
	}
	if in.VCPUs != 2 || in.MemoryMiB != 4096 || in.Arch != "x86_64" || !in.Burstable || in.Credits == nil {
		t.Fatalf("t2.medium = %+v", in)
	}
	if in.Credits.BaselinePerVCPU != 0.20 || in.Credits.CreditsPerHour != 24 || in.Credits.MaxBalance != 576 {
		t.Errorf("t2.medium credits = %+v", *in.Credits)
	}
	// Every burstable type in the catalog of the t2/t3/t3a/t4g families has credit figures,
	// and they are self-consistent: baseline = earn rate / (60 × vCPUs), max = 24 h.
	for _, typ := range c.Types() {
		in, _ := c.Instance(typ)
		switch in.Family {
		case "t2", "t3", "t3a", "t4g":
		default:
			continue
		}
		if in.Credits == nil {
			t.Errorf("%s has no credit figures", typ)
			continue
		}
		cs := *in.Credits
		if cs.UnlimitedByDefault != (in.Family != "t2") || (cs.LaunchCredits > 0) != (in.Family == "t2") {
			t.Errorf("%s: default mode / launch credits wrong: %+v", typ, cs)
		}
		if d := cs.CreditsPerHour/(60*float64(in.VCPUs)) - cs.BaselinePerVCPU; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: baseline %v inconsistent with %v credits/h", typ, cs.BaselinePerVCPU, cs.CreditsPerHour)
		}
		if d := cs.MaxBalance - 24*cs.CreditsPerHour; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: max balance %v ≠ 24 × %v", typ, cs.MaxBalance, cs.CreditsPerHour)
		}
	}
	// Instance returns a copy: changing it does not change the catalog.
	in.OnDemand["us-east-1"] = 99
	if p, _ := c.byType["t2.medium"].OnDemand["us-east-1"]; p == 99 {
		t.Error("Instance leaked the catalog's price map")
	}
}

// Must show 4: unknown type and region give a clear error naming them, with a suggestion.
func TestUnknownNames(t *testing.T) {
	c := embedded(t)
	tests := []struct {
		name    string
		err     error
		want    error
		contain []string
	}{
		{"typo type", second(c.Instance("t2.mediun")), ErrUnknownType, []string{`"t2.mediun"`, "did you mean t2.medium?"}},
		{"typo type micro", second(c.Instance("t2.micr")), ErrUnknownType, []string{"did you mean t2.micro?"}},
		{"far type", second(c.Instance("banana")), ErrUnknownType, []string{`"banana"`}},
		{"region typo", second(c.Book("us-east-9")), ErrUnknownRegion, []string{`"us-east-9"`, "did you mean us-east-1?", "known: us-east-1"}},
		{"region far", second(c.Book("mars-1")), ErrUnknownRegion, []string{`"mars-1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.want) {
				t.Fatalf("err = %v, want %v", tt.err, tt.want)
			}
			for _, s := range tt.contain {
				if !strings.Contains(tt.err.Error(), s) {
					t.Errorf("error %q lacks %q", tt.err, s)
				}
			}
			if strings.Contains(tt.err.Error(), "\n") {
				t.Errorf("error is not one line: %q", tt.err)
			}
		})
	}
	if strings.Contains(second(c.Instance("banana")).Error(), "did you mean") {
		t.Error("suggested something for a far-off name")
	}
}

func second[T any](_ T, err error) error { return err }

func TestParseRejectsBadData(t *testing.T) {
	for _, in := range []string{``, `{}`, `{"instances":[{"type":"x"}]}`, `{"instances":[],"bogus":1}`,
		`{"instances":[{"type":"a.b","vcpus":1,"memory_mib":1}],"rates":{"nope":1}}`} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("Parse(%q) succeeded", in)
		}
	}
}

func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"regions":["r"],"instances":[{"type":"a.b","vcpus":1,"memory_mib":512,"ondemand":{"r":0.1}}],"rates":{"alb.hour":1}}`))
	f.Add([]byte(`{"instances":[{"type":"t2.medium","vcpus":2,"memory_mib":4096}],"spot":{"r":{"t2.medium":{"s":50,"r":9}}}}`))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := Parse(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, r := range c.Regions() {
			b, err := c.Book(r)
			if err != nil {
				t.Fatal(err)
			}
			for _, typ := range c.Types() {
				_, _ = b.Hourly(typ, Purchase{Kind: Spot})
				_, _ = b.Hourly(typ, Purchase{Kind: Reserved, Years: 3, Payment: AllUpfront})
			}
		}
	})
}
