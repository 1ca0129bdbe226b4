package pricing

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Book is the price book of one region: EC2 prices for every purchase option and the
// service rates. Get one with Catalog.Book; it reads the catalog live, so overrides applied
// to the catalog afterwards are visible.
type Book struct {
	cat    *Catalog
	region string
}

// Quote is an hourly price with a human-readable account of how it was obtained, so that
// a bill line can be checked by hand.
type Quote struct {
	PerHour float64
	Basis   string // e.g. "on-demand", "spot advisor: 61 % off on-demand 0.0960"
}

// Book returns the price book of region; an unknown region is an error wrapping
// ErrUnknownRegion.
func (c *Catalog) Book(region string) (*Book, error) {
	if err := c.CheckRegion(region); err != nil {
		return nil, err
	}
	return &Book{cat: c, region: region}, nil
}

// Region returns the book's region.
func (b *Book) Region() string { return b.region }

// Catalog returns the catalog behind the book.
func (b *Book) Catalog() *Catalog { return b.cat }

// Notes returns caveats a bill priced from this book should carry.
func (b *Book) Notes() []string {
	var n []string
	if b.region != DefaultRegion {
		n = append(n, fmt.Sprintf("service rates (Fargate, Lambda, API Gateway, ALB, fees) are the %s rates: the data has no others", DefaultRegion))
	}
	for _, s := range b.cat.sources {
		n = append(n, "override: "+s)
	}
	return n
}

// Rate returns a named rate (see the Rate* constants); a name missing from the data
// returns an error wrapping ErrNoPrice.
func (b *Book) Rate(name string) (float64, error) {
	v, ok := b.cat.rates[name]
	if !ok {
		return 0, fmt.Errorf("%w for rate %q in the price book", ErrNoPrice, name)
	}
	return v, nil
}

// MustRate returns a rate that the embedded data always has; it returns 0 for a name
// missing from a replacement catalog (Validate reports those).
func (b *Book) MustRate(name string) float64 { return b.cat.rates[name] }

// Tiers returns the tiers of a tiered rate (RateLambdaX86GBSecond, RateAPIGatewayHTTP, ...).
func (b *Book) Tiers(name string) []Tier { return b.cat.tiers(name) }

// Validate checks that every fixed rate and every tiered rate is present, so that a
// replacement catalog cannot silently price something at zero.
func (b *Book) Validate() error {
	var missing []string
	for _, n := range fixedRateNames {
		if _, ok := b.cat.rates[n]; !ok {
			missing = append(missing, n)
		}
	}
	for _, n := range tieredRateNames {
		if len(b.cat.tiers(n)) == 0 {
			missing = append(missing, n+".tier1")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("price book %s: rates missing: %s", b.region, strings.Join(missing, ", "))
	}
	return nil
}

// OnDemand returns the on-demand Linux price per hour of typ in the book's region.
func (b *Book) OnDemand(typ string) (float64, error) {
	in, ok := b.cat.byType[typ]
	if !ok {
		return 0, fmt.Errorf("%w %q%s", ErrUnknownType, typ, didYouMean(typ, b.cat.types))
	}
	p, ok := in.OnDemand[b.region]
	if !ok {
		return 0, fmt.Errorf("%w: %s has no on-demand price in %s (AWS publishes none there)", ErrNoPrice, typ, b.region)
	}
	return p, nil
}

// Hourly returns the effective hourly price of typ bought with p. Commitments (RI, savings
// plans) are effective rates: upfront payments amortised over the term.
func (b *Book) Hourly(typ string, p Purchase) (Quote, error) {
	od, err := b.OnDemand(typ)
	if err != nil {
		return Quote{}, err
	}
	switch p.Kind {
	case OnDemand:
		return Quote{od, "on-demand"}, nil
	case Spot:
		return b.spot(typ, od)
	case Reserved:
		return b.reserved(typ, od, p)
	case SavingsPlan:
		return b.savingsPlan(od, p)
	case DedicatedHost:
		return b.dedicatedHost(typ)
	}
	return Quote{}, fmt.Errorf("purchase option %v is not known", p)
}

// spot prices typ at the Spot Instance Advisor's typical saving; without an entry for the
// type it falls back to the median saving of its family in the region.
func (b *Book) spot(typ string, od float64) (Quote, error) {
	adv := b.cat.spot[b.region]
	if r, ok := adv[typ]; ok {
		return Quote{od * (1 - float64(r.SavingsPct)/100),
			fmt.Sprintf("spot: advisor %d %% off on-demand %s (interruptions %s)", r.SavingsPct, fmtRate(od), b.band(r.Band))}, nil
	}
	fam := b.cat.byType[typ].Family
	var s []int
	for t, r := range adv {
		if in, ok := b.cat.byType[t]; ok && in.Family == fam {
			s = append(s, r.SavingsPct)
		}
	}
	if len(s) == 0 {
		return Quote{}, fmt.Errorf("%w: no spot data for %s or its family in %s; give a spot price in a price file (spot_savings_pct)", ErrNoPrice, typ, b.region)
	}
	sort.Ints(s)
	m := float64(s[len(s)/2])
	if len(s)%2 == 0 {
		m = float64(s[len(s)/2-1]+s[len(s)/2]) / 2
	}
	return Quote{od * (1 - m/100), fmt.Sprintf("spot: %s family median %g %% off on-demand %s (no advisor entry for %s)", fam, m, fmtRate(od), typ)}, nil
}

func (b *Book) band(i int) string {
	if i >= 0 && i < len(b.cat.bands) {
		return b.cat.bands[i].Label
	}
	return "unknown"
}

// SpotSavings returns the Spot Instance Advisor entry of typ in the book's region.
func (b *Book) SpotSavings(typ string) (SpotRecord, bool) {
	r, ok := b.cat.spot[b.region][typ]
	return r, ok
}

func (b *Book) paymentFactor(p Purchase) float64 {
	switch p.Payment {
	case PartialUpfront:
		return b.MustRate(fmt.Sprintf("ri.payment.%dy.partial", p.Years))
	case AllUpfront:
		return b.MustRate(fmt.Sprintf("ri.payment.%dy.all", p.Years))
	}
	return 1
}

func (b *Book) reserved(typ string, od float64, p Purchase) (Quote, error) {
	if p.Years != 1 && p.Years != 3 {
		return Quote{}, fmt.Errorf("reserved instance term %d years is not offered (1 or 3)", p.Years)
	}
	class := "standard"
	if p.Convertible {
		class = "convertible"
	}
	f := b.paymentFactor(p)
	payNote := ""
	if f != 1 {
		payNote = fmt.Sprintf(" × %s factor %g", p.Payment, f)
	}
	if b.region == DefaultRegion {
		rec := b.cat.reserved[typ]
		rate := map[string]float64{"standard1": rec.Standard1y, "standard3": rec.Standard3y,
			"convertible1": rec.Convertible1y, "convertible3": rec.Convertible3y}[fmt.Sprintf("%s%d", class, p.Years)]
		if rate > 0 {
			return Quote{rate * f, fmt.Sprintf("%s RI %dy no-upfront effective %s%s", class, p.Years, fmtRate(rate), payNote)}, nil
		}
	}
	d := b.MustRate(fmt.Sprintf("ri.%s.%dy.median_discount", class, p.Years))
	return Quote{od * (1 - d) * f, fmt.Sprintf("%s RI %dy: median discount %.1f %% off on-demand %s%s (no published rate for %s in %s)",
		class, p.Years, d*100, fmtRate(od), payNote, typ, b.region)}, nil
}

func (b *Book) savingsPlan(od float64, p Purchase) (Quote, error) {
	if p.Years != 1 && p.Years != 3 {
		return Quote{}, fmt.Errorf("savings plan term %d years is not offered (1 or 3)", p.Years)
	}
	kind := "compute"
	if p.EC2Instance {
		kind = "ec2instance"
	}
	d := b.MustRate(fmt.Sprintf("sp.%s.%dy.discount", kind, p.Years))
	f := b.paymentFactor(p)
	return Quote{od * (1 - d) * f, fmt.Sprintf("%s savings plan %dy: %.1f %% off on-demand %s × %s factor %g", kind, p.Years, d*100, fmtRate(od), p.Payment, f)}, nil
}

func (b *Book) dedicatedHost(typ string) (Quote, error) {
	fam := b.cat.byType[typ].Family
	name := PrefixDedicatedHost + fam + ".hour"
	if v, ok := b.cat.rates[name]; ok {
		return Quote{v, "dedicated host " + fam + " per host-hour (price file)"}, nil
	}
	return Quote{}, fmt.Errorf("%w: the embedded data has no dedicated host prices; set rates.%q (USD per host-hour) in a price file", ErrNoPrice, name)
}

// ManagementFee returns the ECS Managed Instances fee per instance-hour of typ: the
// published per-type fee when the data has one, else the documented approximation
// ecsmi.fee_fraction × on-demand (AWS quotes c6a.2xlarge at $0.037/h ≈ 12 %).
func (b *Book) ManagementFee(typ string) (Quote, error) {
	return b.fee(typ, PrefixECSMIFee, RateECSMIFeeFraction, "ECS MI fee")
}

// EMRFee returns the EMR fee per instance-hour of typ: the published fee when known, else
// emr.fee_fraction × on-demand (≈ 25 % for general purpose types).
func (b *Book) EMRFee(typ string) (Quote, error) {
	return b.fee(typ, PrefixEMRFee, RateEMRFeeFraction, "EMR fee")
}

func (b *Book) fee(typ, prefix, fraction, what string) (Quote, error) {
	od, err := b.OnDemand(typ)
	if err != nil {
		return Quote{}, err
	}
	if v, ok := b.cat.rates[prefix+typ]; ok {
		return Quote{v, what + " (published per-type rate)"}, nil
	}
	f := b.MustRate(fraction)
	return Quote{od * f, fmt.Sprintf("%s ≈ %g × on-demand %s (assumed: no published rate for %s)", what, f, fmtRate(od), typ)}, nil
}

// fmtRate prints a rate with enough digits to recompute a bill by hand.
func fmtRate(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
