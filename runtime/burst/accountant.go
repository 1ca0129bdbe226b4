package burst

import (
	"fmt"
	"time"
)

// DefaultResumeCredits is the balance a throttled standard-mode instance must earn back
// before it may burst again. AWS lets an instance burst as soon as any credit accrues;
// with a runtime that changes a CPU quota once per sample, resuming at the first
// fraction of a credit would flap the quota every second, so the model waits for one
// credit (one vCPU-minute at 100 %). Overridable per Accountant.
const DefaultResumeCredits = 1.0

// Accountant is the credit account of one running burstable instance. The zero value is
// not usable; call New. It is not safe for concurrent use.
type Accountant struct {
	t    Type
	mode Mode
	// ResumeCredits is the balance at which a throttled standard-mode instance gets its
	// full vCPUs back (DefaultResumeCredits unless changed).
	ResumeCredits float64

	earned    float64 // accrued earned credits, ≤ t.MaxEarned
	launch    float64 // unspent launch credits (T2 standard)
	surplus   float64 // unlimited: surplus credits spent and not yet paid down
	charged   float64 // unlimited: surplus credits billed so far
	spent     float64 // every credit spent, for reports
	throttled bool
}

// New opens the account of an instance of type t launched now in mode. A T2 in standard
// mode starts with its launch credits; everything else starts at zero, as on AWS.
func New(t Type, mode Mode) *Accountant {
	a := &Accountant{t: t, mode: mode, ResumeCredits: DefaultResumeCredits}
	if mode == Standard {
		a.launch = t.LaunchCredits
	}
	return a
}

// ForType opens an account for a type by name; instanceType must be burstable and mode
// standard, unlimited or "" (the type's default).
func ForType(instanceType string, mode Mode) (*Accountant, error) {
	t, ok := Lookup(instanceType)
	if !ok {
		return nil, fmt.Errorf("burst: %q is not a burstable instance type (t2, t3, t3a, t4g)", instanceType)
	}
	if mode == "" {
		mode = DefaultMode(instanceType)
	}
	if mode != Standard && mode != Unlimited {
		return nil, fmt.Errorf("burst: credit mode %q is not valid (use standard or unlimited)", mode)
	}
	return New(t, mode), nil
}

// SetBalance sets the accrued earned credits (capped at the type's maximum), e.g. to
// start from a full balance as an instance that idled for a day would.
func (a *Accountant) SetBalance(earned float64) {
	a.earned = min(max(earned, 0), a.t.MaxEarned)
	a.throttled = false
}

// Account charges usedVCPUSeconds of CPU (one vCPU busy for one second adds 1) over an
// interval of length dt, credits what the type earned meanwhile, and returns the vCPU
// allowance for the next interval: all of the type's vCPUs, or in standard mode with an
// empty balance the baseline (BaselinePerVCPU × VCPU).
//
// Spending is settled per interval: a standard-mode instance that runs dry in the middle
// of an interval is throttled from the next one, and the overdraw is forgiven — at most
// one sample interval of bursting, which the live runtime cannot prevent either.
func (a *Accountant) Account(dt time.Duration, usedVCPUSeconds float64) (allowanceVCPU float64) {
	if dt > 0 {
		a.step(dt.Hours(), max(usedVCPUSeconds, 0)/60)
	}
	return a.Allowance()
}

// step moves the account forward by hours, spending credits.
func (a *Accountant) step(hours, spend float64) {
	a.spent += spend
	earn := a.t.EarnedPerHour * hours
	// Launch credits go first; they never accrue again.
	fromLaunch := min(a.launch, spend)
	a.launch -= fromLaunch
	spend -= fromLaunch

	net := a.earned + earn - spend
	switch {
	case net >= 0 && a.mode == Unlimited && a.surplus > 0:
		// Earned credits pay down surplus credits before they accrue.
		pay := min(a.surplus, net)
		a.surplus -= pay
		net -= pay
	case net < 0 && a.mode == Unlimited:
		a.surplus += -net
		net = 0
	case net < 0:
		net = 0 // standard mode: the overdraw of one interval is forgiven (see Account)
	}
	a.earned = min(net, a.t.MaxEarned)

	// Surplus beyond what the instance can earn in 24 hours is billed at once; the rest
	// is billed when the instance stops unless earnings pay it down first. Source: [doc]
	// EC2 User Guide, burstable-performance-instances-unlimited-mode-concepts.html.
	if a.surplus > a.t.MaxEarned {
		a.charged += a.surplus - a.t.MaxEarned
		a.surplus = a.t.MaxEarned
	}

	if a.mode == Standard {
		bal := a.earned + a.launch
		if a.throttled {
			a.throttled = bal < a.ResumeCredits-1e-9
		} else {
			a.throttled = bal <= 1e-9
		}
	}
}

// Allowance returns the vCPU allowance as of the last Account.
func (a *Accountant) Allowance() float64 {
	if a.throttled {
		return a.t.BaselinePerVCPU * float64(a.t.VCPU)
	}
	return float64(a.t.VCPU)
}

// SurplusVCPUHours is the unlimited-mode surplus billed so far plus the outstanding
// surplus that AWS bills when the instance stops — the figure to price if the instance
// ended now. Surplus credits are vCPU-minutes, so this is credits / 60.
func (a *Accountant) SurplusVCPUHours() float64 { return (a.charged + a.surplus) / 60 }

// State is a snapshot of an account, for reports and events.
type State struct {
	// Type and Mode identify the account.
	Type string `json:"type"`
	Mode Mode   `json:"mode"`
	// Balance is the earned credits accrued; LaunchCredits the unspent launch credits.
	Balance       float64 `json:"balance"`
	LaunchCredits float64 `json:"launch_credits,omitempty"`
	// Surplus is the unlimited-mode surplus outstanding; Charged the surplus billed
	// already (both in credits).
	Surplus float64 `json:"surplus,omitempty"`
	Charged float64 `json:"charged,omitempty"`
	// Spent is every credit spent since launch.
	Spent float64 `json:"spent"`
	// Throttled is true while a standard-mode instance is held to its baseline.
	Throttled bool `json:"throttled,omitempty"`
	// AllowanceVCPU is the vCPU allowance for the next interval.
	AllowanceVCPU float64 `json:"allowance_vcpu"`
}

// State returns a snapshot of the account.
func (a *Accountant) State() State {
	return State{
		Type: a.t.Name, Mode: a.mode, Balance: a.earned, LaunchCredits: a.launch,
		Surplus: a.surplus, Charged: a.charged, Spent: a.spent, Throttled: a.throttled,
		AllowanceVCPU: a.Allowance(),
	}
}
