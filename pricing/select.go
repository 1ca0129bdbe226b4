package pricing

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Range is an inclusive numeric range; a zero Max means no upper bound.
type Range struct{ Min, Max float64 }

func (r Range) contains(v float64) bool { return v >= r.Min && (r.Max == 0 || v <= r.Max) }

func (r Range) set() bool { return r.Min != 0 || r.Max != 0 }

func (r Range) String() string {
	switch {
	case r.Max == 0:
		return fmt.Sprintf("≥%g", r.Min)
	case r.Min == r.Max:
		return fmt.Sprintf("%g", r.Min)
	}
	return fmt.Sprintf("%g-%g", r.Min, r.Max)
}

// SortBy orders Select's results.
type SortBy string

// Sort orders. Ties are broken by price, vCPUs, memory, then name, so results are stable.
const (
	SortPrice  SortBy = "price"
	SortVCPU   SortBy = "vcpu"
	SortMemory SortBy = "memory"
	SortName   SortBy = "name"
)

// Filter describes the attributes an instance type must have, like the instance
// requirements of EC2 Auto Scaling / ECS Managed Instances and amazon-ec2-instance-selector.
// The zero Filter matches every type that has a price in the region.
type Filter struct {
	VCPUs         Range    // vCPU count
	MemoryGiB     Range    // memory in GiB
	Arch          string   // "x86_64" or "arm64"; "" = any
	Manufacturers []string // CPU makers: "intel", "amd", "aws"; empty = any
	GPUs          Range    // GPU count; a set range with Min ≥ 1 excludes GPU-less types
	GPUMemoryGiB  Range    // GPU memory summed over the instance's GPUs
	Burstable     *bool    // nil = either
	BareMetal     *bool    // nil = either
	Families      []string // family names or wildcards ("m5*", "c7?")
	Allowed       []string // type names or wildcards ("m5.*"); empty = all
	Excluded      []string // type names or wildcards to drop
	MaxPrice      float64  // on-demand USD per hour; 0 = no limit
	Sort          SortBy   // default SortPrice
	Limit         int      // 0 = all
}

// Match is one selected instance type with its on-demand price in the region. Its
// OnDemand map is the catalog's own: read it, do not modify it.
type Match struct {
	Instance
	PricePerHour float64
}

// Validate checks the filter's values, naming the offending field.
func (f Filter) Validate() error {
	for name, r := range map[string]Range{"vcpu": f.VCPUs, "memory": f.MemoryGiB, "gpus": f.GPUs, "gpu-memory": f.GPUMemoryGiB} {
		if r.Min < 0 || r.Max < 0 || (r.Max != 0 && r.Max < r.Min) {
			return fmt.Errorf("filter %s: range %g-%g is not valid (want 0 ≤ min ≤ max)", name, r.Min, r.Max)
		}
	}
	switch f.Arch {
	case "", "x86_64", "arm64":
	default:
		return fmt.Errorf("filter arch: %q is not valid (x86_64 or arm64)", f.Arch)
	}
	for _, m := range f.Manufacturers {
		switch m {
		case "intel", "amd", "aws":
		default:
			return fmt.Errorf("filter manufacturer: %q is not valid (intel, amd or aws)", m)
		}
	}
	for _, p := range append(append(append([]string(nil), f.Families...), f.Allowed...), f.Excluded...) {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("filter pattern %q: %v", p, err)
		}
	}
	switch f.Sort {
	case "", SortPrice, SortVCPU, SortMemory, SortName:
	default:
		return fmt.Errorf("filter sort: %q is not valid (price, vcpu, memory or name)", f.Sort)
	}
	if f.MaxPrice < 0 || f.Limit < 0 {
		return fmt.Errorf("filter max-price and limit must not be negative")
	}
	return nil
}

// String describes the filter for messages.
func (f Filter) String() string {
	var p []string
	add := func(s string, a ...any) { p = append(p, fmt.Sprintf(s, a...)) }
	if f.VCPUs.set() {
		add("vcpu %v", f.VCPUs)
	}
	if f.MemoryGiB.set() {
		add("memory %v GiB", f.MemoryGiB)
	}
	if f.Arch != "" {
		add("arch %s", f.Arch)
	}
	if len(f.Manufacturers) > 0 {
		add("manufacturer %s", strings.Join(f.Manufacturers, ","))
	}
	if f.GPUs.set() {
		add("gpus %v", f.GPUs)
	}
	if f.GPUMemoryGiB.set() {
		add("gpu memory %v GiB", f.GPUMemoryGiB)
	}
	if f.Burstable != nil {
		add("burstable=%v", *f.Burstable)
	}
	if f.BareMetal != nil {
		add("bare-metal=%v", *f.BareMetal)
	}
	if len(f.Families) > 0 {
		add("families %s", strings.Join(f.Families, ","))
	}
	if len(f.Allowed) > 0 {
		add("allowed %s", strings.Join(f.Allowed, ","))
	}
	if len(f.Excluded) > 0 {
		add("excluded %s", strings.Join(f.Excluded, ","))
	}
	if f.MaxPrice > 0 {
		add("max price $%g/h", f.MaxPrice)
	}
	if len(p) == 0 {
		return "any"
	}
	return strings.Join(p, ", ")
}

func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
	}
	return false
}

// Matches reports whether in satisfies every attribute of f (price aside).
func (f Filter) Matches(in *Instance) bool {
	if !f.VCPUs.contains(float64(in.VCPUs)) || !f.MemoryGiB.contains(in.MemoryGiB()) {
		return false
	}
	if f.Arch != "" && in.Arch != f.Arch {
		return false
	}
	if len(f.Manufacturers) > 0 && !matchAny(f.Manufacturers, in.Manufacturer) {
		return false
	}
	if f.GPUs.set() && !f.GPUs.contains(float64(in.GPUs())) {
		return false
	}
	if f.GPUMemoryGiB.set() && !f.GPUMemoryGiB.contains(in.GPUMemoryGiB()) {
		return false
	}
	if f.Burstable != nil && in.Burstable != *f.Burstable {
		return false
	}
	if f.BareMetal != nil && in.BareMetal != *f.BareMetal {
		return false
	}
	if len(f.Families) > 0 && !matchAny(f.Families, in.Family) {
		return false
	}
	if len(f.Allowed) > 0 && !matchAny(f.Allowed, in.Type) {
		return false
	}
	return !matchAny(f.Excluded, in.Type)
}

// Select returns the instance types that match every attribute of f and have an on-demand
// price in region, ordered by f.Sort (cheapest first by default). No match is an error
// wrapping ErrNoMatch that restates the filter. ECS Managed Instances' cost-optimised
// default choice is Select with the task's needs and SortPrice.
func (c *Catalog) Select(region string, f Filter) ([]Match, error) {
	if err := c.CheckRegion(region); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	// Sort small (pointer, price) pairs and build the result after the limit: Match
	// values are large and swapping them dominated the cost of Select.
	type cand struct {
		in *Instance
		p  float64
	}
	var cs []cand
	for _, t := range c.types {
		in := c.byType[t]
		p, ok := in.OnDemand[region]
		if !ok || !f.Matches(in) || (f.MaxPrice > 0 && p > f.MaxPrice) {
			continue
		}
		cs = append(cs, cand{in, p})
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("%w in %s: %s", ErrNoMatch, region, f)
	}
	byPrice := func(a, b cand) int {
		switch {
		case a.p != b.p:
			return cmpF(a.p, b.p)
		case a.in.VCPUs != b.in.VCPUs:
			return a.in.VCPUs - b.in.VCPUs
		case a.in.MemoryMiB != b.in.MemoryMiB:
			return a.in.MemoryMiB - b.in.MemoryMiB
		}
		return strings.Compare(a.in.Type, b.in.Type)
	}
	slices.SortFunc(cs, func(a, b cand) int {
		switch f.Sort {
		case SortVCPU:
			if a.in.VCPUs != b.in.VCPUs {
				return a.in.VCPUs - b.in.VCPUs
			}
		case SortMemory:
			if a.in.MemoryMiB != b.in.MemoryMiB {
				return a.in.MemoryMiB - b.in.MemoryMiB
			}
		case SortName:
			return strings.Compare(a.in.Type, b.in.Type)
		}
		return byPrice(a, b)
	})
	if f.Limit > 0 && len(cs) > f.Limit {
		cs = cs[:f.Limit]
	}
	out := make([]Match, len(cs))
	for i, x := range cs {
		out[i] = Match{Instance: *x.in, PricePerHour: x.p}
	}
	return out, nil
}

func cmpF(a, b float64) int {
	if a < b {
		return -1
	}
	return 1
}
