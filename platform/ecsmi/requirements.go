package ecsmi

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deploybench/deploybench/platform/ecs/cluster"
	"github.com/deploybench/deploybench/pricing"
)

// Requirements are the instance attributes of a Managed Instances capacity provider
// (InstanceRequirements), as a scenario writes them. Ranges are "min-max", "min-",
// "-max" or one number; memory may carry a GiB suffix.
type Requirements struct {
	// VCPU is the instance vCPU range, e.g. "2-8".
	VCPU string `yaml:"vcpu,omitempty" json:"vcpu,omitempty"`
	// MemoryGiB is the instance memory range in GiB, e.g. "4-32" or "4-16GiB".
	MemoryGiB string `yaml:"memory_gib,omitempty" json:"memory_gib,omitempty"`
	// Manufacturer is the CPU maker: intel, amd or aws (Graviton); several separated by
	// commas; empty means any.
	Manufacturer string `yaml:"manufacturer,omitempty" json:"manufacturer,omitempty"`
	// Arch is x86_64 (default) or arm64: the task's CPU architecture.
	Arch string `yaml:"arch,omitempty" json:"arch,omitempty"`
	// Accelerators is the GPU count range, e.g. "1" or "1-4". Empty means none: types
	// with GPUs or other accelerators are left out.
	Accelerators string `yaml:"accelerators,omitempty" json:"accelerators,omitempty"`
	// AllowedTypes and ExcludedTypes are type names or wildcards ("m5.*", "c7?.large").
	AllowedTypes  []string `yaml:"allowed_types,omitempty" json:"allowed_types,omitempty"`
	ExcludedTypes []string `yaml:"excluded_types,omitempty" json:"excluded_types,omitempty"`
}

// ParseRange parses "2-8", "2-", "-8", "4" or "" (any) into a pricing.Range; field names
// the scenario field in errors. A GiB suffix is accepted.
func ParseRange(field, s string) (pricing.Range, error) {
	t := strings.TrimSpace(s)
	for _, suf := range []string{"GiB", "gib", "Gib", "GB", "gb"} {
		t = strings.TrimSuffix(t, suf)
	}
	t = strings.TrimSpace(t)
	if t == "" {
		return pricing.Range{}, nil
	}
	lo, hi, dash := strings.Cut(t, "-")
	num := func(x string) (float64, error) {
		x = strings.TrimSpace(x)
		if x == "" {
			return 0, nil
		}
		v, err := strconv.ParseFloat(x, 64)
		if err != nil || v < 0 || v != v || v > 1e6 {
			return 0, fmt.Errorf("%s: %q is not a range (write min-max, e.g. 2-8)", field, s)
		}
		return v, nil
	}
	a, err := num(lo)
	if err != nil {
		return pricing.Range{}, err
	}
	if !dash {
		if a == 0 {
			return pricing.Range{}, fmt.Errorf("%s: %q must be a positive number or a range (e.g. 2-8)", field, s)
		}
		return pricing.Range{Min: a, Max: a}, nil
	}
	b, err := num(hi)
	if err != nil {
		return pricing.Range{}, err
	}
	if b != 0 && b < a {
		return pricing.Range{}, fmt.Errorf("%s: %q has max below min", field, s)
	}
	return pricing.Range{Min: a, Max: b}, nil
}

// Filter turns the requirements into a catalog filter. Burstable and bare-metal types are
// excluded, as EC2 attribute-based selection does unless asked ([doc]
// InstanceRequirements: BurstablePerformance and BareMetal default "excluded").
func (r Requirements) Filter() (pricing.Filter, error) {
	f := pricing.Filter{Arch: r.Arch, Allowed: r.AllowedTypes, Excluded: r.ExcludedTypes,
		Burstable: new(bool), BareMetal: new(bool), Sort: pricing.SortPrice}
	var err error
	if f.VCPUs, err = ParseRange("ecs-mi.requirements.vcpu", r.VCPU); err != nil {
		return f, err
	}
	if f.MemoryGiB, err = ParseRange("ecs-mi.requirements.memory_gib", r.MemoryGiB); err != nil {
		return f, err
	}
	if r.Accelerators != "" {
		if f.GPUs, err = ParseRange("ecs-mi.requirements.accelerators", r.Accelerators); err != nil {
			return f, err
		}
	}
	for _, m := range strings.Split(r.Manufacturer, ",") {
		if m = strings.ToLower(strings.TrimSpace(m)); m != "" {
			f.Manufacturers = append(f.Manufacturers, m)
		}
	}
	if err := f.Validate(); err != nil {
		return f, fmt.Errorf("ecs-mi.requirements: %w", err)
	}
	return f, nil
}

// Choose is the instance type choice: the cheapest type in region (on-demand price) that
// matches r and holds at least one task of taskVCPU and taskMemMiB after the memory the
// agent keeps (reservedFraction). Without an accelerator requirement, types with GPUs or
// other accelerators are left out; without allowed_types, so are previous generations
// (MinGeneration).
func Choose(cat *pricing.Catalog, region string, r Requirements, taskVCPU float64, taskMemMiB int, reservedFraction float64) (pricing.Match, error) {
	f, err := r.Filter()
	if err != nil {
		return pricing.Match{}, err
	}
	ms, err := cat.Select(region, f)
	if err != nil {
		return pricing.Match{}, fmt.Errorf("ecs-mi.requirements: %w", err)
	}
	for _, m := range ms {
		if r.Accelerators == "" && (m.GPU != nil || m.Accelerator != nil) {
			continue
		}
		if len(r.AllowedTypes) == 0 && m.Generation < MinGeneration {
			continue
		}
		reg := m.MemoryMiB - int(float64(m.MemoryMiB)*reservedFraction+0.5)
		if cluster.TasksPerInstance(float64(m.VCPUs), reg, taskVCPU, taskMemMiB) >= 1 {
			return m, nil
		}
	}
	return pricing.Match{}, fmt.Errorf("ecs-mi.requirements: no type matching %s holds a %g vCPU / %d MiB task (widen the ranges or shrink the task)", f, taskVCPU, taskMemMiB)
}
