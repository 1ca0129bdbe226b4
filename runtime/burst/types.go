package burst

import (
	"slices"
	"strings"
)

// Mode is a burstable instance's credit specification.
type Mode string

// Credit specifications. T2 launches in standard mode by default; T3, T3a and T4g in
// unlimited mode. Source: [doc] EC2 User Guide, burstable-performance-instances-how-to.html.
const (
	Standard  Mode = "standard"
	Unlimited Mode = "unlimited"
)

// DefaultMode returns the credit specification a type launches with unless configured.
func DefaultMode(instanceType string) Mode {
	if strings.HasPrefix(instanceType, "t2.") {
		return Standard
	}
	return Unlimited
}

// Type holds the credit figures of one burstable instance type. One CPU credit is one
// vCPU at 100 % for one minute.
type Type struct {
	// Name is the instance type, e.g. "t3.medium".
	Name string
	// VCPU is the type's vCPU count.
	VCPU int
	// BaselinePerVCPU is the baseline utilisation of each vCPU (0.2 = 20 %); running at it
	// spends exactly what is earned.
	BaselinePerVCPU float64
	// EarnedPerHour is the credits earned per hour: BaselinePerVCPU × VCPU × 60.
	EarnedPerHour float64
	// MaxEarned caps the accrued earned balance: 24 hours of earnings.
	MaxEarned float64
	// LaunchCredits is the balance a T2 instance starts with in standard mode (30 per
	// vCPU); launch credits are spent first and do not count toward MaxEarned. T3, T3a and
	// T4g get none.
	LaunchCredits float64
}

// Source of every figure below: [doc] EC2 User Guide, "Key concepts and definitions for
// burstable performance instances", the CPU credits table
// (docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html),
// and "Standard mode concepts" for the T2 launch credits (30 per vCPU). aws-facts.md
// agrees on t2.small, t2.medium, t2.xlarge and t3.medium. T3a and T4g sizes have the T3
// figures. A pricing catalog that carries these columns could replace this table later.
var types = []Type{
	{"t2.nano", 1, 0.05, 3, 72, 30},
	{"t2.micro", 1, 0.10, 6, 144, 30},
	{"t2.small", 1, 0.20, 12, 288, 30},
	{"t2.medium", 2, 0.20, 24, 576, 60},
	{"t2.large", 2, 0.30, 36, 864, 60},
	{"t2.xlarge", 4, 0.225, 54, 1296, 120},
	{"t2.2xlarge", 8, 0.17, 81.6, 1958.4, 240},
}

// t3Sizes are the T3 figures, shared by T3a and T4g.
var t3Sizes = []Type{
	{"nano", 2, 0.05, 6, 144, 0},
	{"micro", 2, 0.10, 12, 288, 0},
	{"small", 2, 0.20, 24, 576, 0},
	{"medium", 2, 0.20, 24, 576, 0},
	{"large", 2, 0.30, 36, 864, 0},
	{"xlarge", 4, 0.40, 96, 2304, 0},
	{"2xlarge", 8, 0.40, 192, 4608, 0},
}

func init() {
	for _, fam := range []string{"t3", "t3a", "t4g"} {
		for _, s := range t3Sizes {
			s.Name = fam + "." + s.Name
			types = append(types, s)
		}
	}
}

// Lookup returns the credit figures of a burstable type; ok is false for any other type.
func Lookup(instanceType string) (t Type, ok bool) {
	i := slices.IndexFunc(types, func(t Type) bool { return t.Name == instanceType })
	if i < 0 {
		return Type{}, false
	}
	return types[i], true
}

// Types returns every burstable type known, in table order.
func Types() []Type { return slices.Clone(types) }
