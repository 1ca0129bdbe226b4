package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/deploybench/deploybench/pricing"
)

// Input shapes: only the fields the generator reads.
type instancesFile struct {
	Meta struct {
		Sources map[string]string `json:"sources"`
		Regions []string          `json:"regions"`
	} `json:"_meta"`
	Instances []struct {
		Type         string             `json:"type"`
		Family       string             `json:"family"`
		Category     string             `json:"category"`
		Generation   int                `json:"generation"`
		VCPUs        int                `json:"vcpus"`
		MemoryMiB    int                `json:"memory_mib"`
		Arch         string             `json:"arch"`
		Manufacturer string             `json:"cpu_manufacturer"`
		GPU          *accel             `json:"gpu"`
		Accelerator  *accel             `json:"accelerator"`
		NetMbps      *int               `json:"network_bandwidth_mbps"`
		NetPerf      *string            `json:"network_performance"`
		Burstable    bool               `json:"burstable"`
		BareMetal    bool               `json:"bare_metal"`
		Hypervisor   *string            `json:"hypervisor"`
		OnDemand     map[string]float64 `json:"ondemand_linux_usd_per_hour"`
	} `json:"instances"`
}

type accel struct {
	Count        int    `json:"count"`
	Model        string `json:"model"`
	Manufacturer string `json:"manufacturer"`
	MemoryMiB    int    `json:"memory_mib_each"`
}

type reservedFile struct {
	Meta struct {
		Source string `json:"source"`
	} `json:"_meta"`
	Reserved []struct {
		Type      string  `json:"type"`
		Term      int     `json:"term_years"`
		Class     string  `json:"offering_class"`
		Payment   string  `json:"payment"`
		Effective float64 `json:"effective_usd_per_hour"`
		OnDemand  float64 `json:"ondemand_usd_per_hour"`
	} `json:"reserved"`
}

type spotFile struct {
	Meta struct {
		Source string `json:"source"`
		Bands  []struct {
			Label string `json:"label"`
			Max   int    `json:"max"`
		} `json:"bands"`
	} `json:"_meta"`
	Advisor map[string]map[string]pricing.SpotRecord `json:"advisor"`
}

type servicesFile struct {
	Meta struct {
		What string `json:"what"`
		AsOf string `json:"as_of"`
	} `json:"_meta"`
	Fargate struct {
		X86       map[string]float64 `json:"linux_x86"`
		ARM       map[string]float64 `json:"linux_arm"`
		Ephemeral float64            `json:"ephemeral_storage_gb_hour_over_20gb"`
		Spot      float64            `json:"spot_discount_up_to"`
	} `json:"fargate"`
	Lambda struct {
		X86Tiers       [][2]*float64 `json:"x86_gb_second_tiers"`
		ARMTiers       [][2]*float64 `json:"arm_gb_second_tiers"`
		Requests       float64       `json:"requests_per_million"`
		Provisioned    float64       `json:"provisioned_concurrency_gb_second"`
		ProvisionedDur float64       `json:"provisioned_duration_gb_second_x86"`
	} `json:"lambda"`
	APIGateway struct {
		HTTP [][2]*float64 `json:"http_api_per_million_tiers"`
		REST [][2]*float64 `json:"rest_api_per_million_tiers"`
	} `json:"api_gateway"`
	ALB struct {
		Hour    float64            `json:"hour"`
		LCUHour float64            `json:"lcu_hour"`
		LCU     map[string]float64 `json:"lcu"`
	} `json:"alb"`
	ECSMI struct {
		Examples map[string]float64 `json:"fee_examples_usd_hour"`
		Fraction float64            `json:"fee_fraction_of_ondemand_approx"`
	} `json:"ecs_managed_instances"`
	EMR struct {
		Examples map[string]float64 `json:"fee_usd_hour"`
		Fraction float64            `json:"fee_fraction_of_ondemand_approx"`
	} `json:"emr"`
	Surplus map[string]float64 `json:"ec2_burstable_unlimited_surplus_vcpu_hour"`
}

func readJSON(dir, name string, v any) error {
	path := filepath.Join(dir, name)
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// build reads the snapshots in dir and assembles the data file.
func build(dir string) (*pricing.DataFile, error) {
	var inst instancesFile
	var res reservedFile
	var spot spotFile
	var svc servicesFile
	for name, v := range map[string]any{
		"ec2-instances.json": &inst, "ec2-reserved-us-east-1.json": &res,
		"spot-advisor.json": &spot, "services-us-east-1.json": &svc,
	} {
		if err := readJSON(dir, name, v); err != nil {
			return nil, err
		}
	}
	if len(inst.Instances) == 0 {
		return nil, fmt.Errorf("%s: no instances", filepath.Join(dir, "ec2-instances.json"))
	}
	df := &pricing.DataFile{
		Meta: pricing.DataMeta{
			Generator: "tools/pricinggen",
			Sources:   map[string]string{},
			Dates:     map[string]string{},
		},
		Regions:  inst.Meta.Regions,
		Reserved: map[string]pricing.ReservedRecord{},
		Spot:     spot.Advisor,
		Rates:    map[string]float64{},
	}
	for k, v := range inst.Meta.Sources {
		df.Meta.Sources["ec2 "+k] = v
	}
	df.Meta.Sources["reserved instances (us-east-1)"] = res.Meta.Source
	df.Meta.Sources["spot advisor"] = spot.Meta.Source
	df.Meta.Sources["services (us-east-1)"] = svc.Meta.What + "; " + svc.Meta.AsOf
	df.Meta.Dates = map[string]string{
		"us-east-1 on-demand":          "2026-07-20",
		"other regions on-demand":      "2025-04-04",
		"reserved instances":           "2025-04-04",
		"spot advisor":                 "2025-06-28",
		"services":                     "2026 (third-party transcription of AWS pricing pages)",
		"data transfer, lambda arm pc": "AWS pricing pages as known in 2025 (not in the snapshot)",
	}
	df.Meta.Notes = []string{
		"prices are USD, Linux, shared tenancy; a region missing from a type means no published price",
		"reserved rates are no-upfront effective hourly rates; other payment options use ri.payment.* factors",
		"savings plan discounts default to the median discount of the matching RI class (ec2instance ~ standard, compute ~ convertible)",
	}
	for _, b := range spot.Meta.Bands {
		df.SpotBands = append(df.SpotBands, pricing.SpotBand{Label: b.Label, MaxPct: b.Max})
	}
	for _, in := range inst.Instances {
		r := pricing.InstanceRecord{
			Type: in.Type, Family: in.Family, Category: in.Category, Generation: in.Generation,
			VCPUs: in.VCPUs, MemoryMiB: in.MemoryMiB, Arch: in.Arch, Manufacturer: in.Manufacturer,
			Burstable: in.Burstable, BareMetal: in.BareMetal, OnDemand: in.OnDemand,
		}
		if in.GPU != nil {
			r.GPU = &pricing.Accelerator{Count: in.GPU.Count, Model: in.GPU.Model, Manufacturer: in.GPU.Manufacturer, MemoryMiB: in.GPU.MemoryMiB}
		}
		if in.Accelerator != nil {
			r.Accelerator = &pricing.Accelerator{Count: in.Accelerator.Count, Model: in.Accelerator.Model, Manufacturer: in.Accelerator.Manufacturer, MemoryMiB: in.Accelerator.MemoryMiB}
		}
		if in.NetMbps != nil {
			r.NetworkMbps = *in.NetMbps
		}
		if in.NetPerf != nil {
			r.NetworkPerformance = *in.NetPerf
		}
		if in.Hypervisor != nil {
			r.Hypervisor = *in.Hypervisor
		}
		df.Instances = append(df.Instances, r)
	}
	sort.Slice(df.Instances, func(i, j int) bool { return df.Instances[i].Type < df.Instances[j].Type })

	discounts := map[string][]float64{}
	for _, r := range res.Reserved {
		if r.Payment != "No Upfront" || r.Effective <= 0 {
			continue
		}
		rec := df.Reserved[r.Type]
		key := fmt.Sprintf("%s.%dy", r.Class, r.Term)
		switch key {
		case "standard.1y":
			rec.Standard1y = r.Effective
		case "standard.3y":
			rec.Standard3y = r.Effective
		case "convertible.1y":
			rec.Convertible1y = r.Effective
		case "convertible.3y":
			rec.Convertible3y = r.Effective
		default:
			continue
		}
		df.Reserved[r.Type] = rec
		if r.OnDemand > 0 {
			discounts[key] = append(discounts[key], 1-r.Effective/r.OnDemand)
		}
	}
	if err := addRates(df, &svc, discounts); err != nil {
		return nil, err
	}
	return df, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// round4 keeps derived discount fractions readable in the data file.
func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

func addTiers(rates map[string]float64, prefix string, tiers [][2]*float64) error {
	if len(tiers) == 0 {
		return fmt.Errorf("services-us-east-1.json: %s: no tiers", prefix)
	}
	for i, t := range tiers {
		if t[1] == nil {
			return fmt.Errorf("services-us-east-1.json: %s tier %d: missing rate", prefix, i+1)
		}
		name := fmt.Sprintf("%s.tier%d", prefix, i+1)
		rates[name] = *t[1]
		if t[0] != nil {
			rates[name+".up_to"] = *t[0]
		}
	}
	return nil
}

// addRates flattens the service prices into named rates (the names package pricing knows).
func addRates(df *pricing.DataFile, svc *servicesFile, discounts map[string][]float64) error {
	r := df.Rates
	r["fargate.x86.vcpu_hour"] = svc.Fargate.X86["vcpu_hour"]
	r["fargate.x86.gb_hour"] = svc.Fargate.X86["gb_hour"]
	r["fargate.arm.vcpu_hour"] = svc.Fargate.ARM["vcpu_hour"]
	r["fargate.arm.gb_hour"] = svc.Fargate.ARM["gb_hour"]
	r["fargate.ephemeral.gb_hour"] = svc.Fargate.Ephemeral
	r["fargate.ephemeral.free_gb"] = 20 // AWS Fargate pricing page: 20 GB of ephemeral storage included
	r["fargate.spot.discount"] = svc.Fargate.Spot
	if err := addTiers(r, "lambda.x86.gb_second", svc.Lambda.X86Tiers); err != nil {
		return err
	}
	if err := addTiers(r, "lambda.arm.gb_second", svc.Lambda.ARMTiers); err != nil {
		return err
	}
	r["lambda.requests.per_million"] = svc.Lambda.Requests
	r["lambda.provisioned.x86.gb_second"] = svc.Lambda.Provisioned
	r["lambda.provisioned.x86.duration_gb_second"] = svc.Lambda.ProvisionedDur
	// Not in the snapshot: AWS Lambda pricing page (Arm, provisioned concurrency), 2025.
	r["lambda.provisioned.arm.gb_second"] = 0.0000033334
	r["lambda.provisioned.arm.duration_gb_second"] = 0.0000077778
	if err := addTiers(r, "apigw.http.per_million", svc.APIGateway.HTTP); err != nil {
		return err
	}
	if err := addTiers(r, "apigw.rest.per_million", svc.APIGateway.REST); err != nil {
		return err
	}
	r["alb.hour"] = svc.ALB.Hour
	r["alb.lcu_hour"] = svc.ALB.LCUHour
	for k, v := range svc.ALB.LCU {
		r["alb.lcu."+k] = v
	}
	for t, v := range svc.ECSMI.Examples {
		r["ecsmi.fee."+t] = v
	}
	for t, v := range svc.EMR.Examples {
		r["emr.fee."+t] = v
	}
	r["ecsmi.fee_fraction"] = svc.ECSMI.Fraction
	r["emr.fee_fraction"] = svc.EMR.Fraction
	r["ec2.unlimited.vcpu_hour"] = svc.Surplus["linux"]
	// Not in the snapshot: EC2 on-demand pricing page, "Data Transfer OUT From Amazon EC2 To
	// Internet", us-east-1: first 100 GB/month free, then $0.09 (next 10 TB), $0.085 (next
	// 40 TB), $0.07 (next 100 TB), $0.05 beyond. Limits are cumulative GB per month.
	for i, t := range [][2]float64{{100, 0}, {10340, 0.09}, {51300, 0.085}, {153700, 0.07}, {0, 0.05}} {
		name := fmt.Sprintf("data_transfer.out.gb.tier%d", i+1)
		r[name] = t[1]
		if t[0] > 0 {
			r[name+".up_to"] = t[0]
		}
	}
	// Payment options: the snapshot only has no-upfront RIs. Partial and all upfront are
	// modelled as factors on the no-upfront effective rate, read off the AWS RI pricing
	// page for m5.large in us-east-1 (1 y: 0.060 → 0.057 partial → 0.056 all; 3 y: 0.041 →
	// 0.039 → 0.037). An assumption; override per price file.
	r["ri.payment.1y.partial"] = 0.95
	r["ri.payment.1y.all"] = 0.93
	r["ri.payment.3y.partial"] = 0.95
	r["ri.payment.3y.all"] = 0.90
	for _, key := range []string{"standard.1y", "standard.3y", "convertible.1y", "convertible.3y"} {
		m := median(discounts[key])
		if m <= 0 {
			return fmt.Errorf("ec2-reserved-us-east-1.json: no %s no-upfront offers to derive a median discount from", key)
		}
		r["ri."+key+".median_discount"] = round4(m)
	}
	// AWS Savings Plans FAQ: EC2 Instance Savings Plans give the same discounts as Standard
	// RIs (up to 72 %), Compute Savings Plans the same as Convertible RIs (up to 66 %).
	r["sp.ec2instance.1y.discount"] = r["ri.standard.1y.median_discount"]
	r["sp.ec2instance.3y.discount"] = r["ri.standard.3y.median_discount"]
	r["sp.compute.1y.discount"] = r["ri.convertible.1y.median_discount"]
	r["sp.compute.3y.discount"] = r["ri.convertible.3y.median_discount"]
	for k, v := range r {
		if v < 0 {
			return fmt.Errorf("rate %s is negative (%v)", k, v)
		}
	}
	return nil
}

// write stores df as gzipped JSON without a timestamp, so the bytes only change when data do.
func write(path string, df *pricing.DataFile) error {
	js, err := json.Marshal(df)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(js); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
