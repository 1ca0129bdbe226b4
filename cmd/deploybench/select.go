package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/deploybench/deploybench/pricing"
	"github.com/spf13/cobra"
)

func init() { register(newSelectCmd) }

func newSelectCmd() *cobra.Command {
	var src priceSource
	var vcpu, memory, gpus, gpuMem, arch, sortBy string
	var manufacturers, families, allow, exclude []string
	var burstable, bareMetal, asJSON bool
	var maxPrice float64
	var limit int
	cmd := &cobra.Command{
		Use:   "select",
		Short: "Select EC2 instance types by attributes, cheapest first (like ECS Managed Instances)",
		Long: `select lists the instance types matching every given attribute, with their on-demand
price in the region, cheapest first. It is the same selection ECS Managed Instances'
cost-optimised default uses. Ranges: 2-4, 4 (exactly), 4- (at least), -8 (at most);
memory takes a unit (4-16GiB). Wildcards in --family/--allow/--exclude: m5*, c7?.*`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f pricing.Filter
			var err error
			ranges := []struct {
				flag, val, unit string
				dst             *pricing.Range
			}{{"vcpu", vcpu, "", &f.VCPUs}, {"memory", memory, "GB", &f.MemoryGiB}, {"gpus", gpus, "", &f.GPUs}, {"gpu-memory", gpuMem, "GB", &f.GPUMemoryGiB}}
			for _, r := range ranges {
				if r.val == "" {
					continue
				}
				if *r.dst, err = parseRange(r.val, r.unit); err != nil {
					return usagef("--%s: %v", r.flag, err)
				}
			}
			if cmd.Flags().Changed("gpus") && f.GPUs.Max == 0 && f.GPUs.Min == 0 {
				f.GPUs.Max = 0.5 // --gpus 0: types without GPUs
			}
			f.Arch = map[string]string{"amd64": "x86_64", "x86": "x86_64", "arm": "arm64", "aarch64": "arm64"}[arch]
			if f.Arch == "" {
				f.Arch = arch
			}
			for _, m := range manufacturers {
				f.Manufacturers = append(f.Manufacturers, strings.ToLower(m))
			}
			f.Families, f.Allowed, f.Excluded = families, allow, exclude
			if cmd.Flags().Changed("burstable") {
				f.Burstable = &burstable
			}
			if cmd.Flags().Changed("bare-metal") {
				f.BareMetal = &bareMetal
			}
			f.MaxPrice, f.Sort = maxPrice, pricing.SortBy(sortBy)
			if limit < 0 {
				return usagef("--limit %d must not be negative (0 = all)", limit)
			}
			if err := f.Validate(); err != nil {
				return asUsage(err)
			}
			b, err := src.book()
			if err != nil {
				return err
			}
			ms, err := b.Catalog().Select(b.Region(), f)
			if errors.Is(err, pricing.ErrNoMatch) {
				return fmt.Errorf("select: %w; widen a range or drop an attribute", err)
			}
			if err != nil {
				return asUsage(err)
			}
			total := len(ms)
			if limit > 0 && total > limit {
				ms = ms[:limit]
			}
			if asJSON {
				return writeMatchesJSON(cmd, b.Region(), f, ms)
			}
			if err := writeMatches(cmd, b.Region(), ms); err != nil {
				return err
			}
			if total > len(ms) {
				fmt.Fprintf(cmd.OutOrStdout(), "(%d of %d matching types shown; --limit 0 shows all)\n", len(ms), total)
			}
			return nil
		},
	}
	src.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringVar(&vcpu, "vcpu", "", "vCPU range, e.g. 2-4")
	fl.StringVar(&memory, "memory", "", "memory range, e.g. 4-16GiB")
	fl.StringVar(&arch, "arch", "", "x86_64 or arm64")
	fl.StringSliceVar(&manufacturers, "manufacturer", nil, "CPU manufacturer(s): intel, amd, aws")
	fl.StringVar(&gpus, "gpus", "", "GPU count range, e.g. 1 or 1-4 (0 = no GPU)")
	fl.StringVar(&gpuMem, "gpu-memory", "", "total GPU memory range, e.g. 24GiB-")
	fl.BoolVar(&burstable, "burstable", false, "only burstable (t*) types; --burstable=false excludes them")
	fl.BoolVar(&bareMetal, "bare-metal", false, "only bare metal; --bare-metal=false excludes it")
	fl.StringSliceVar(&families, "family", nil, "families, wildcards allowed (m5,c7*)")
	fl.StringSliceVar(&allow, "allow", nil, "allowed types, wildcards allowed (m5.*,c6a.large)")
	fl.StringSliceVar(&exclude, "exclude", nil, "excluded types, wildcards allowed")
	fl.Float64Var(&maxPrice, "max-price", 0, "maximum on-demand USD per hour")
	fl.StringVar(&sortBy, "sort", "price", "price, vcpu, memory or name")
	fl.IntVar(&limit, "limit", 20, "show at most this many (0 = all)")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func gpuText(in pricing.Instance) string {
	if in.GPU == nil {
		return "-"
	}
	return fmt.Sprintf("%d× %s %gGiB", in.GPU.Count, in.GPU.Model, float64(in.GPU.MemoryMiB)/1024)
}

func writeMatches(cmd *cobra.Command, region string, ms []pricing.Match) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "TYPE\tVCPU\tMEMORY GiB\tARCH\tCPU\tGPU\tBURSTABLE\tNETWORK\tUSD/HOUR %s\n", region)
	for _, m := range ms {
		net := m.NetworkPerformance
		if net == "" && m.NetworkMbps > 0 {
			net = fmt.Sprintf("%g Gbps", float64(m.NetworkMbps)/1000)
		}
		fmt.Fprintf(tw, "%s\t%d\t%g\t%s\t%s\t%s\t%v\t%s\t%s\n", m.Type, m.VCPUs, m.MemoryGiB(), m.Arch, m.Manufacturer,
			gpuText(m.Instance), m.Burstable, net, fmt.Sprint(m.PricePerHour))
	}
	return tw.Flush()
}

// selectJSON is the JSON shape of one selected type.
type selectJSON struct {
	Type         string  `json:"type"`
	VCPUs        int     `json:"vcpus"`
	MemoryGiB    float64 `json:"memory_gib"`
	Arch         string  `json:"arch"`
	Manufacturer string  `json:"cpu_manufacturer"`
	GPUs         int     `json:"gpus"`
	GPUModel     string  `json:"gpu_model,omitempty"`
	GPUMemoryGiB float64 `json:"gpu_memory_gib_total,omitempty"`
	Burstable    bool    `json:"burstable"`
	BareMetal    bool    `json:"bare_metal"`
	PricePerHour float64 `json:"usd_per_hour"`
}

func writeMatchesJSON(cmd *cobra.Command, region string, f pricing.Filter, ms []pricing.Match) error {
	out := struct {
		Region string       `json:"region"`
		Filter string       `json:"filter"`
		Types  []selectJSON `json:"types"`
	}{Region: region, Filter: f.String()}
	for _, m := range ms {
		s := selectJSON{Type: m.Type, VCPUs: m.VCPUs, MemoryGiB: m.MemoryGiB(), Arch: m.Arch, Manufacturer: m.Manufacturer,
			GPUs: m.GPUs(), GPUMemoryGiB: m.GPUMemoryGiB(), Burstable: m.Burstable, BareMetal: m.BareMetal, PricePerHour: m.PricePerHour}
		if m.GPU != nil {
			s.GPUModel = m.GPU.Model
		}
		out.Types = append(out.Types, s)
	}
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
