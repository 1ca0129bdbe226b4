package awsrun

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/scenario"
)

// Stack is one CloudFormation stack of a run, as the export builds it.
type Stack struct {
	// Platform is the scenario platform the stack deploys, Kind its kind.
	Platform, Kind string
	// Name is the stack name.
	Name string
	// Template is the template body, JSON.
	Template []byte
}

// Resource is one resource of a stack's template.
type Resource struct{ LogicalID, Type string }

// Exporter builds the stacks of a scenario for a run; the CLI passes the CloudFormation
// export (package aws/export). runID goes into the stack names and tags.
type Exporter func(s *scenario.Scenario, runID string) ([]Stack, error)

// template is the part of a CloudFormation template a run reads: parameters to fill,
// resources to list and price, outputs to expect.
type template struct {
	Parameters map[string]struct {
		Type    string `json:"Type"`
		Default any    `json:"Default"`
	} `json:"Parameters"`
	Resources map[string]struct {
		Type       string         `json:"Type"`
		Properties map[string]any `json:"Properties"`
	} `json:"Resources"`
	Outputs map[string]json.RawMessage `json:"Outputs"`
}

// parseTemplate reads a JSON template body; stack names the stack in errors.
func parseTemplate(stack string, body []byte) (*template, error) {
	var t template
	if err := json.Unmarshal(body, &t); err != nil {
		return nil, fmt.Errorf("stack %s: template is not JSON: %v", stack, err)
	}
	if len(t.Resources) == 0 {
		return nil, fmt.Errorf("stack %s: template has no Resources", stack)
	}
	if _, ok := t.Outputs[EndpointOutput]; !ok {
		return nil, fmt.Errorf("stack %s: template has no %s output; the run needs it to send load", stack, EndpointOutput)
	}
	return &t, nil
}

// EndpointOutput is the stack output holding the URL the load is sent to.
const EndpointOutput = "EndpointURL"

// resources lists the template's resources sorted by logical ID.
func (t *template) resources() []Resource {
	var out []Resource
	for id, r := range t.Resources {
		out = append(out, Resource{id, r.Type})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// str resolves a property to a string: a literal, or a Ref to a parameter with a default.
func (t *template) str(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok {
			if p, ok := t.Parameters[ref]; ok && p.Default != nil {
				return fmt.Sprint(p.Default), true
			}
		}
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

// num resolves a property to a number (CloudFormation accepts numbers as strings). Every
// number a plan reads (sizes, counts, timeouts) is finite and not negative; anything else
// counts as unknown.
func (t *template) num(v any) (float64, bool) {
	s, ok := t.str(v)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && f >= 0 && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// CostItem is one line of the estimate.
type CostItem struct {
	Stack string
	// What is priced, e.g. "2 × t3.small (Auto Scaling group maximum)".
	What string
	// Hourly is the dollars per hour while the stack exists (0 for per-request charges).
	Hourly float64
	// Cost is the item's estimated cost for the whole run.
	Cost float64
}

// Estimate is the estimated cost of a run.
type Estimate struct {
	Items []CostItem
	// Duration is how long the stacks are expected to exist: the load plus the
	// create/delete overhead.
	Duration time.Duration
	// Requests is the number of requests the load is expected to send to each platform.
	Requests float64
	Total    float64
	// Notes name what is assumed or not priced.
	Notes []string
}

// Default planning figures. CloudFormation stacks with a load balancer or an ECS service
// typically take minutes to create and to delete; 20 minutes in all is a deliberately
// generous allowance (an assumption, not a measured AWS figure).
const (
	DefaultOverhead = 20 * time.Minute
	// assumedLambdaSeconds bounds the billed time of one Lambda request when the template's
	// timeout is longer (an assumption stated in the plan).
	assumedLambdaSeconds = 1.0
)

// estimate prices every stack for dur with requests per platform.
func estimate(stacks []Stack, tpls []*template, s *scenario.Scenario, book *pricing.Book, dur time.Duration, requests float64) (Estimate, error) {
	e := Estimate{Duration: dur, Requests: requests}
	hours := dur.Hours()
	for i, st := range stacks {
		items, notes, err := priceStack(st, tpls[i], settingsOf(s, st.Platform), book, hours, requests, 0)
		if err != nil {
			return e, err
		}
		e.Items = append(e.Items, items...)
		e.Notes = append(e.Notes, notes...)
	}
	for _, it := range e.Items {
		e.Total += it.Cost
	}
	return e, nil
}

// settingsOf returns a platform's settings as a plain map, for the sizes a template
// leaves to the service (ECS Managed Instances picks its instance types itself).
func settingsOf(s *scenario.Scenario, platform string) map[string]any {
	for _, p := range s.Platforms {
		if p.Name == platform {
			var m map[string]any
			_ = p.Settings.Decode(&m)
			return m
		}
	}
	return nil
}

// priceStack prices one stack for hours with requests; lambdaSecs is the measured mean
// Lambda duration, or 0 to assume assumedLambdaSeconds (capped by the timeout).
func priceStack(st Stack, t *template, settings map[string]any, book *pricing.Book, hours, requests, lambdaSecs float64) ([]CostItem, []string, error) {
	var items []CostItem
	var notes []string
	hourly := func(what string, perHour float64) {
		items = append(items, CostItem{Stack: st.Name, What: what, Hourly: perHour, Cost: perHour * hours})
	}
	instance := func(typ string) (float64, error) {
		p, err := book.OnDemand(typ)
		if err != nil {
			return 0, fmt.Errorf("stack %s: %v", st.Name, err)
		}
		return p, nil
	}
	launchTypes := map[string]string{}
	maxTasks := 1.0
	for _, r := range t.resources() {
		props := t.Resources[r.LogicalID].Properties
		switch r.Type {
		case "AWS::EC2::LaunchTemplate":
			if data, ok := props["LaunchTemplateData"].(map[string]any); ok {
				if typ, ok := t.str(data["InstanceType"]); ok {
					launchTypes[r.LogicalID] = typ
				}
			}
		case "AWS::ApplicationAutoScaling::ScalableTarget":
			if n, ok := t.num(props["MaxCapacity"]); ok {
				maxTasks = math.Max(maxTasks, n)
			}
		case "AWS::ECS::Service":
			if n, ok := t.num(props["DesiredCount"]); ok {
				maxTasks = math.Max(maxTasks, n)
			}
		}
	}
	settingType, _ := settings["instance_type"].(string)
	for _, r := range t.resources() {
		props := t.Resources[r.LogicalID].Properties
		switch r.Type {
		case "AWS::EC2::Instance":
			typ, ok := t.str(props["InstanceType"])
			if !ok {
				typ = settingType
			}
			p, err := instance(typ)
			if err != nil {
				return nil, nil, err
			}
			hourly(fmt.Sprintf("1 × %s (EC2 instance %s, on-demand)", typ, r.LogicalID), p)
		case "AWS::AutoScaling::AutoScalingGroup":
			typ := settingType
			if lt, ok := props["LaunchTemplate"].(map[string]any); ok {
				if ref, ok := lt["LaunchTemplateId"].(map[string]any); ok {
					if id, ok := ref["Ref"].(string); ok && launchTypes[id] != "" {
						typ = launchTypes[id]
					}
				}
			}
			what := "on-demand"
			if typ == "" {
				if t2, w, ok := mixedType(t, props, book); ok {
					typ, what = t2, w
				}
			}
			if typ == "" && len(launchTypes) == 1 {
				for _, v := range launchTypes {
					typ = v
				}
			}
			n, ok := t.num(props["MaxSize"])
			if !ok {
				n = 1
			}
			if typ == "" {
				notes = append(notes, fmt.Sprintf("%s: %s has no instance type in the template or the scenario; not priced", st.Name, r.LogicalID))
				continue
			}
			p, err := instance(typ)
			if err != nil {
				return nil, nil, err
			}
			hourly(fmt.Sprintf("up to %g × %s (Auto Scaling group %s maximum, %s)", n, typ, r.LogicalID, what), n*p)
		case "AWS::ECS::CapacityProvider":
			if _, ok := props["ManagedInstancesProvider"]; !ok {
				continue
			}
			n, _ := settings["max"].(int)
			n = max(n, 1)
			if settingType == "" {
				notes = append(notes, fmt.Sprintf("%s: ECS Managed Instances choose their instance types; set settings.instance_type in the scenario to price them", st.Name))
				continue
			}
			p, err := instance(settingType)
			if err != nil {
				return nil, nil, err
			}
			fee, err := book.ManagementFee(settingType)
			if err != nil {
				return nil, nil, fmt.Errorf("stack %s: %v", st.Name, err)
			}
			hourly(fmt.Sprintf("up to %d × %s + management fee (ECS Managed Instances)", n, settingType), float64(n)*(p+fee.PerHour))
		case "AWS::ECS::TaskDefinition":
			if !fargate(props) {
				continue
			}
			cpu, okc := t.num(props["Cpu"])
			mem, okm := t.num(props["Memory"])
			if !okc || !okm {
				notes = append(notes, fmt.Sprintf("%s: task definition %s has no literal Cpu/Memory; not priced", st.Name, r.LogicalID))
				continue
			}
			vcpu, gb := cpu/1024, mem/1024
			vr, gr := book.MustRate(pricing.RateFargateX86VCPUHour), book.MustRate(pricing.RateFargateX86GBHour)
			if arm(props) {
				vr, gr = book.MustRate(pricing.RateFargateARMVCPUHour), book.MustRate(pricing.RateFargateARMGBHour)
			}
			hourly(fmt.Sprintf("up to %g × Fargate task %g vCPU / %g GB", maxTasks, vcpu, gb), maxTasks*(vcpu*vr+gb*gr))
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			hourly("Application Load Balancer (1 LCU assumed)", book.MustRate(pricing.RateALBHour)+book.MustRate(pricing.RateALBLCUHour))
		case "AWS::Lambda::Function":
			memMB, ok := t.num(props["MemorySize"])
			if !ok {
				memMB = 128 // Lambda's default memory
			}
			timeout, ok := t.num(props["Timeout"])
			if !ok {
				timeout = 3 // Lambda's default timeout, seconds
			}
			secs, bound := math.Min(timeout, assumedLambdaSeconds), "≤"
			if lambdaSecs > 0 {
				secs, bound = lambdaSecs, "measured "
			}
			rate := pricing.RateLambdaX86GBSecond
			if arch, ok := props["Architectures"].([]any); ok && len(arch) == 1 && arch[0] == "arm64" {
				rate = pricing.RateLambdaARMGBSecond
			}
			gbs := requests * memMB / 1024 * secs
			cost := pricing.TieredCost(gbs, book.Tiers(rate)) + requests/1e6*book.MustRate(pricing.RateLambdaRequestsPerMillion)
			items = append(items, CostItem{Stack: st.Name, Cost: cost,
				What: fmt.Sprintf("Lambda %s: %.0f requests × %g MB × %s%.3gs", r.LogicalID, requests, memMB, bound, secs)})
		case "AWS::ApiGatewayV2::Api":
			cost := pricing.TieredCost(requests/1e6, book.Tiers(pricing.RateAPIGatewayHTTP))
			items = append(items, CostItem{Stack: st.Name, Cost: cost, What: fmt.Sprintf("API Gateway HTTP API: %.0f requests", requests)})
		case "AWS::EC2::NatGateway":
			notes = append(notes, fmt.Sprintf("%s: NAT gateway %s is not in the price catalog; not priced", st.Name, r.LogicalID))
		}
	}
	return items, notes, nil
}

func fargate(props map[string]any) bool {
	rc, _ := props["RequiresCompatibilities"].([]any)
	for _, c := range rc {
		if c == "FARGATE" {
			return true
		}
	}
	return false
}

func arm(props map[string]any) bool {
	rp, _ := props["RuntimePlatform"].(map[string]any)
	return rp != nil && rp["CpuArchitecture"] == "ARM64"
}

// writePlan prints the stacks, their resources and the itemised estimate.
func writePlan(w io.Writer, stacks []Stack, tpls []*template, e Estimate) {
	for i, st := range stacks {
		res := tpls[i].resources()
		fmt.Fprintf(w, "stack %s (platform %s, %s): %d resources\n", st.Name, st.Platform, st.Kind, len(res))
		for _, r := range res {
			fmt.Fprintf(w, "  %-28s %s\n", r.LogicalID, r.Type)
		}
	}
	fmt.Fprintf(w, "estimated cost: stacks up for %s (load plus create/delete), %.0f requests per platform\n", e.Duration, e.Requests)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, it := range e.Items {
		rate := ""
		if it.Hourly > 0 {
			rate = fmt.Sprintf("$%.4f/h", it.Hourly)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", it.Stack, it.What, rate, fmtUSD(it.Cost))
	}
	fmt.Fprintf(tw, "  total\t\t\t%s\n", fmtUSD(e.Total))
	tw.Flush()
	for _, n := range e.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
}

// mixedType finds the instance type a group with a MixedInstancesPolicy is priced at:
// its first override's type, or for attribute-based requirements the cheapest catalog
// type that meets them (EC2 may well launch another; the plan says so).
func mixedType(t *template, props map[string]any, book *pricing.Book) (typ, what string, ok bool) {
	mip, _ := props["MixedInstancesPolicy"].(map[string]any)
	lt, _ := mip["LaunchTemplate"].(map[string]any)
	ovs, _ := lt["Overrides"].([]any)
	if len(ovs) == 0 {
		return "", "", false
	}
	ov, _ := ovs[0].(map[string]any)
	if typ, ok := t.str(ov["InstanceType"]); ok {
		return typ, "on-demand", true
	}
	req, _ := ov["InstanceRequirements"].(map[string]any)
	if req == nil {
		return "", "", false
	}
	rng := func(v any, scale float64) pricing.Range {
		m, _ := v.(map[string]any)
		lo, _ := t.num(m["Min"])
		hi, _ := t.num(m["Max"])
		return pricing.Range{Min: lo / scale, Max: hi / scale}
	}
	strs := func(v any) []string {
		var out []string
		list, _ := v.([]any)
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	f := pricing.Filter{VCPUs: rng(req["VCpuCount"], 1), MemoryGiB: rng(req["MemoryMiB"], 1024),
		Allowed: strs(req["AllowedInstanceTypes"]), Excluded: strs(req["ExcludedInstanceTypes"]), Limit: 1}
	for _, m := range strs(req["CpuManufacturers"]) {
		if m == "amazon-web-services" {
			m = "aws" // the catalog's name for Graviton
		}
		f.Manufacturers = append(f.Manufacturers, m)
	}
	// The group's AMI (ECS-optimised x86 unless the requirements ask for Graviton) decides
	// the architecture, which InstanceRequirements cannot say.
	f.Arch = "x86_64"
	for _, m := range f.Manufacturers {
		if m == "aws" {
			f.Arch = "arm64"
		}
	}
	ms, err := book.Catalog().Select(book.Region(), f)
	if err != nil || len(ms) == 0 {
		return "", "", false
	}
	return ms[0].Type, "on-demand, the cheapest type meeting its requirements: " + f.String(), true
}

// fmtUSD prints dollars to a hundredth of a cent, or with enough digits to show a tiny
// per-request charge instead of $0.0000.
func fmtUSD(v float64) string {
	if v >= 0.0001 || v == 0 {
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.6f", v)
}
