package pricing

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Names of the rates in a Book. Each is a USD price (or a fraction, where the name says
// so) that a price file can override under `rates:`. Their values and sources are in the
// embedded data file (written by tools/pricinggen; sources in docs/pricing.md).
const (
	RateFargateX86VCPUHour   = "fargate.x86.vcpu_hour"     // per vCPU-hour
	RateFargateX86GBHour     = "fargate.x86.gb_hour"       // per GB-hour of memory
	RateFargateARMVCPUHour   = "fargate.arm.vcpu_hour"     // per vCPU-hour, Graviton
	RateFargateARMGBHour     = "fargate.arm.gb_hour"       // per GB-hour, Graviton
	RateFargateEphemeralGBH  = "fargate.ephemeral.gb_hour" // per GB-hour beyond the free allowance
	RateFargateEphemeralFree = "fargate.ephemeral.free_gb" // GB of ephemeral storage included
	RateFargateSpotDiscount  = "fargate.spot.discount"     // fraction off on-demand Fargate

	RateLambdaX86GBSecond        = "lambda.x86.gb_second" // tiered: .tier1, .tier1.up_to (GB-s per month), ...
	RateLambdaARMGBSecond        = "lambda.arm.gb_second" // tiered
	RateLambdaRequestsPerMillion = "lambda.requests.per_million"
	RateLambdaPCX86GBSecond      = "lambda.provisioned.x86.gb_second"          // concurrency enabled
	RateLambdaPCX86Duration      = "lambda.provisioned.x86.duration_gb_second" // duration on provisioned
	RateLambdaPCARMGBSecond      = "lambda.provisioned.arm.gb_second"
	RateLambdaPCARMDuration      = "lambda.provisioned.arm.duration_gb_second"

	RateAPIGatewayHTTP = "apigw.http.per_million" // tiered, per million requests
	RateAPIGatewayREST = "apigw.rest.per_million" // tiered, per million requests

	RateALBHour             = "alb.hour"
	RateALBLCUHour          = "alb.lcu_hour"
	RateLCUNewConnPerSec    = "alb.lcu.new_connections_per_second"
	RateLCUActiveConnPerMin = "alb.lcu.active_connections_per_minute"
	RateLCUProcessedGBHour  = "alb.lcu.processed_gb_per_hour"
	RateLCULambdaGBHour     = "alb.lcu.processed_gb_per_hour_lambda_targets"
	RateLCURuleEvalsPerSec  = "alb.lcu.rule_evaluations_per_second"

	RateECSMIFeeFraction  = "ecsmi.fee_fraction"      // fee ≈ fraction × on-demand when no per-type fee is known
	RateEMRFeeFraction    = "emr.fee_fraction"        // same for EMR
	RateUnlimitedVCPUHour = "ec2.unlimited.vcpu_hour" // surplus CPU credits, per vCPU-hour
	RateDataTransferOut   = "data_transfer.out.gb"    // tiered, per GB per month

	// Prefixes of per-type or per-family rates: "ecsmi.fee.<type>", "emr.fee.<type>" and
	// "dedicated_host.<family>.hour" (USD per hour).
	PrefixECSMIFee      = "ecsmi.fee."
	PrefixEMRFee        = "emr.fee."
	PrefixDedicatedHost = "dedicated_host."
)

// fixedRateNames are all names that are not tiers or per-type; see checkRateName.
var fixedRateNames = []string{
	RateFargateX86VCPUHour, RateFargateX86GBHour, RateFargateARMVCPUHour, RateFargateARMGBHour,
	RateFargateEphemeralGBH, RateFargateEphemeralFree, RateFargateSpotDiscount,
	RateLambdaRequestsPerMillion, RateLambdaPCX86GBSecond, RateLambdaPCX86Duration,
	RateLambdaPCARMGBSecond, RateLambdaPCARMDuration,
	RateALBHour, RateALBLCUHour, RateLCUNewConnPerSec, RateLCUActiveConnPerMin,
	RateLCUProcessedGBHour, RateLCULambdaGBHour, RateLCURuleEvalsPerSec,
	RateECSMIFeeFraction, RateEMRFeeFraction, RateUnlimitedVCPUHour,
	"ri.payment.1y.partial", "ri.payment.1y.all", "ri.payment.3y.partial", "ri.payment.3y.all",
	"ri.standard.1y.median_discount", "ri.standard.3y.median_discount",
	"ri.convertible.1y.median_discount", "ri.convertible.3y.median_discount",
	"sp.compute.1y.discount", "sp.compute.3y.discount",
	"sp.ec2instance.1y.discount", "sp.ec2instance.3y.discount",
}

var tieredRateNames = []string{RateLambdaX86GBSecond, RateLambdaARMGBSecond, RateAPIGatewayHTTP, RateAPIGatewayREST, RateDataTransferOut}

var errUnknownRate = errors.New("unknown rate name")

// checkRateName accepts the fixed names, "<tiered>.tierN[.up_to]" and the per-type prefixes.
func checkRateName(name string) error {
	for _, n := range fixedRateNames {
		if n == name {
			return nil
		}
	}
	for _, p := range tieredRateNames {
		if rest, ok := strings.CutPrefix(name, p+".tier"); ok {
			rest = strings.TrimSuffix(rest, ".up_to")
			if len(rest) == 1 && rest[0] >= '1' && rest[0] <= '9' {
				return nil
			}
		}
	}
	if rest, ok := strings.CutPrefix(name, PrefixDedicatedHost); ok && strings.HasSuffix(rest, ".hour") && len(rest) > len(".hour") {
		return nil
	}
	for _, p := range []string{PrefixECSMIFee, PrefixEMRFee} {
		if rest, ok := strings.CutPrefix(name, p); ok && strings.Contains(rest, ".") {
			return nil
		}
	}
	return fmt.Errorf("%w %q%s", errUnknownRate, name, didYouMean(name, RateNames()))
}

// RateNames lists the fixed rate names and the tier names of tiered rates, sorted.
func RateNames() []string {
	names := append([]string(nil), fixedRateNames...)
	for _, p := range tieredRateNames {
		for i := 1; i <= 5; i++ {
			names = append(names, fmt.Sprintf("%s.tier%d", p, i), fmt.Sprintf("%s.tier%d.up_to", p, i))
		}
	}
	sort.Strings(names)
	return names
}

// Tier is one step of a tiered price: Rate applies to usage up to UpTo (cumulative, in the
// rate's unit per month); UpTo 0 means without limit.
type Tier struct {
	UpTo float64
	Rate float64
}

// Tiers returns the tiers of a tiered rate in order.
func (c *Catalog) tiers(prefix string) []Tier {
	var ts []Tier
	for i := 1; i <= 9; i++ {
		name := fmt.Sprintf("%s.tier%d", prefix, i)
		r, ok := c.rates[name]
		if !ok {
			break
		}
		ts = append(ts, Tier{UpTo: c.rates[name+".up_to"], Rate: r})
		if c.rates[name+".up_to"] == 0 {
			break
		}
	}
	return ts
}

// SplitTiers divides a monthly quantity among tiers, returning the quantity in each
// (same length as tiers). Usage beyond the last limited tier stays in the last tier.
func SplitTiers(qty float64, tiers []Tier) []float64 {
	out := make([]float64, len(tiers))
	prev := 0.0
	for i, t := range tiers {
		if qty <= prev {
			break
		}
		upper := t.UpTo
		if upper == 0 || i == len(tiers)-1 {
			out[i] = qty - prev
			break
		}
		out[i] = min(qty, upper) - prev
		prev = upper
	}
	return out
}

// TieredCost prices qty along tiers.
func TieredCost(qty float64, tiers []Tier) float64 {
	total := 0.0
	for i, q := range SplitTiers(qty, tiers) {
		total += q * tiers[i].Rate
	}
	return total
}
