package pricing

import (
	"errors"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// Must show 2: only types matching every attribute, cheapest first, with the price.
func TestSelect(t *testing.T) {
	c := embedded(t)
	tests := []struct {
		name string
		f    Filter
		min  int
	}{
		{"issue example", Filter{VCPUs: Range{2, 4}, MemoryGiB: Range{4, 16}, Arch: "x86_64", Manufacturers: []string{"amd"}, Burstable: ptr(false), MaxPrice: 0.5}, 5},
		{"gpu", Filter{GPUs: Range{1, 1}, MaxPrice: 1.5}, 3},
		{"gpu memory", Filter{GPUMemoryGiB: Range{24, 0}, GPUs: Range{1, 1}}, 1},
		{"graviton burstable", Filter{Arch: "arm64", Burstable: ptr(true)}, 7},
		{"families wildcard", Filter{Families: []string{"c7*"}, VCPUs: Range{2, 2}}, 3},
		{"allowed excluded", Filter{Allowed: []string{"m5*.large"}, Excluded: []string{"m5d*"}}, 3},
		{"bare metal", Filter{BareMetal: ptr(true), Manufacturers: []string{"intel"}}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := c.Select("us-east-1", tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) < tt.min {
				t.Fatalf("%d matches, want ≥ %d", len(ms), tt.min)
			}
			for i, m := range ms {
				in := m.Instance
				if !tt.f.Matches(&in) {
					t.Errorf("%s does not match %v", m.Type, tt.f)
				}
				if m.PricePerHour <= 0 || m.PricePerHour != m.OnDemand["us-east-1"] {
					t.Errorf("%s: price %v", m.Type, m.PricePerHour)
				}
				if tt.f.MaxPrice > 0 && m.PricePerHour > tt.f.MaxPrice {
					t.Errorf("%s: price %v over max", m.Type, m.PricePerHour)
				}
				if i > 0 && ms[i-1].PricePerHour > m.PricePerHour {
					t.Errorf("not cheapest first at %d: %v > %v", i, ms[i-1].PricePerHour, m.PricePerHour)
				}
			}
			// Completeness: every type the filter accepts is in the result.
			n := 0
			for _, typ := range c.Types() {
				in := c.byType[typ]
				p, ok := in.OnDemand["us-east-1"]
				if ok && tt.f.Matches(in) && (tt.f.MaxPrice == 0 || p <= tt.f.MaxPrice) {
					n++
				}
			}
			if n != len(ms) {
				t.Errorf("Select returned %d, %d match", len(ms), n)
			}
		})
	}
}

func TestSelectIssueExample(t *testing.T) {
	c := embedded(t)
	ms, err := c.Select("us-east-1", Filter{VCPUs: Range{2, 4}, MemoryGiB: Range{4, 16}, Arch: "x86_64",
		Manufacturers: []string{"amd"}, Burstable: ptr(false), MaxPrice: 0.5, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 {
		t.Fatalf("limit: got %d", len(ms))
	}
	for _, m := range ms {
		if m.Manufacturer != "amd" || m.Burstable || m.VCPUs < 2 || m.VCPUs > 4 {
			t.Errorf("%+v", m)
		}
	}
}

func TestSelectSortAndErrors(t *testing.T) {
	c := embedded(t)
	ms, err := c.Select("us-east-1", Filter{Families: []string{"m5"}, Sort: SortVCPU})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i-1].VCPUs > ms[i].VCPUs {
			t.Fatalf("not sorted by vcpu: %s before %s", ms[i-1].Type, ms[i].Type)
		}
	}
	_, err = c.Select("us-east-1", Filter{VCPUs: Range{2, 2}, GPUs: Range{8, 8}})
	if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "vcpu 2") || !strings.Contains(err.Error(), "gpus 8") {
		t.Errorf("impossible filter: %v", err)
	}
	for _, f := range []Filter{{VCPUs: Range{4, 2}}, {Arch: "sparc"}, {Manufacturers: []string{"via"}}, {Allowed: []string{"["}}, {Sort: "fast"}} {
		if _, err := c.Select("us-east-1", f); err == nil || errors.Is(err, ErrNoMatch) {
			t.Errorf("filter %+v: err = %v, want a validation error", f, err)
		}
	}
	if _, err := c.Select("us-east-7", Filter{}); !errors.Is(err, ErrUnknownRegion) {
		t.Errorf("region: %v", err)
	}
}

func BenchmarkSelect(b *testing.B) {
	c := embedded(b)
	f := Filter{VCPUs: Range{2, 4}, MemoryGiB: Range{4, 16}, Arch: "x86_64", Burstable: ptr(false)}
	for b.Loop() {
		if _, err := c.Select("us-east-1", f); err != nil {
			b.Fatal(err)
		}
	}
}
