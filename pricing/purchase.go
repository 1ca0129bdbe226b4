package pricing

import (
	"fmt"
	"strings"
)

// PurchaseKind is how EC2 capacity is bought.
type PurchaseKind int

// The purchase kinds. The zero value is on-demand.
const (
	OnDemand PurchaseKind = iota
	Spot
	Reserved      // Reserved Instance, standard or convertible
	SavingsPlan   // Compute or EC2 Instance Savings Plan
	DedicatedHost // a whole host, priced per host family
)

// Payment is the payment option of a commitment.
type Payment int

// Payment options; the zero value is no upfront.
const (
	NoUpfront Payment = iota
	PartialUpfront
	AllUpfront
)

var paymentNames = []string{"no-upfront", "partial-upfront", "all-upfront"}

func (p Payment) String() string {
	if int(p) < len(paymentNames) {
		return paymentNames[p]
	}
	return fmt.Sprintf("payment(%d)", int(p))
}

// Purchase is a purchase option, e.g. "ri-1y-no-upfront". The zero value is on-demand.
type Purchase struct {
	Kind        PurchaseKind
	Years       int     // 1 or 3 for Reserved and SavingsPlan
	Payment     Payment // for Reserved and SavingsPlan
	Convertible bool    // Reserved: convertible instead of standard
	EC2Instance bool    // SavingsPlan: EC2 Instance Savings Plan instead of Compute
}

// String returns the canonical spelling accepted by ParsePurchase.
func (p Purchase) String() string {
	switch p.Kind {
	case Spot:
		return "spot"
	case DedicatedHost:
		return "dedicated-host"
	case Reserved:
		c := ""
		if p.Convertible {
			c = "conv-"
		}
		return fmt.Sprintf("ri-%s%dy-%s", c, p.Years, p.Payment)
	case SavingsPlan:
		k := ""
		if p.EC2Instance {
			k = "ec2-"
		}
		return fmt.Sprintf("sp-%s%dy-%s", k, p.Years, p.Payment)
	}
	return "on-demand"
}

// PurchaseHelp lists the accepted spellings, for flag help and errors.
const PurchaseHelp = "on-demand | spot | dedicated-host | ri-[conv-]{1y|3y}-{no|partial|all}-upfront | sp-[ec2-]{1y|3y}-{no|partial|all}-upfront"

// ParsePurchase parses a purchase option: on-demand, spot, dedicated-host,
// ri-[conv-]1y|3y-no|partial|all-upfront (standard or convertible Reserved Instance) or
// sp-[ec2-]1y|3y-no|partial|all-upfront (Compute or EC2 Instance Savings Plan).
func ParsePurchase(s string) (Purchase, error) {
	bad := fmt.Errorf("purchase option %q is not valid (valid: %s)", s, PurchaseHelp)
	switch s {
	case "on-demand", "ondemand", "":
		return Purchase{}, nil
	case "spot":
		return Purchase{Kind: Spot}, nil
	case "dedicated-host":
		return Purchase{Kind: DedicatedHost}, nil
	}
	var p Purchase
	rest, ok := "", false
	if rest, ok = strings.CutPrefix(s, "ri-"); ok {
		p.Kind = Reserved
		rest, p.Convertible = strings.CutPrefix(rest, "conv-")
	} else if rest, ok = strings.CutPrefix(s, "sp-"); ok {
		p.Kind = SavingsPlan
		rest, p.EC2Instance = strings.CutPrefix(rest, "ec2-")
		rest = strings.TrimPrefix(rest, "compute-")
	} else {
		return Purchase{}, bad
	}
	term, pay, ok := strings.Cut(rest, "-")
	switch term {
	case "1y":
		p.Years = 1
	case "3y":
		p.Years = 3
	default:
		return Purchase{}, bad
	}
	found := false
	for i, n := range paymentNames {
		if pay == n {
			p.Payment, found = Payment(i), true
		}
	}
	if !ok || !found {
		return Purchase{}, bad
	}
	return p, nil
}
