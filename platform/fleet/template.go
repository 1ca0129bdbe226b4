package fleet

import (
	"fmt"
	"time"
)

// LaunchTemplate is the user-facing description of the instances a platform launches:
// their type, how they are bought and how long EC2 takes to give them. Platform configs
// embed it inline, so its keys sit beside theirs in a scenario file.
type LaunchTemplate struct {
	// InstanceType is the EC2 type, e.g. "t3.small".
	InstanceType string `yaml:"instance_type,omitempty" json:"instance_type,omitempty"`
	// VCPU and MemoryMiB override the type's size (required for types the built-in
	// table does not list).
	VCPU      float64 `yaml:"vcpu,omitempty" json:"vcpu,omitempty"`
	MemoryMiB int     `yaml:"memory_mib,omitempty" json:"memory_mib,omitempty"`
	// Purchase is the billing option: on-demand (default), spot, or a reserved/savings
	// plan name the pricing package knows.
	Purchase string `yaml:"purchase,omitempty" json:"purchase,omitempty"`
	// CreditMode is the burstable credit specification: standard or unlimited (default
	// standard for t2, unlimited for t3/t3a/t4g); ignored for other types.
	CreditMode string `yaml:"credit_mode,omitempty" json:"credit_mode,omitempty"`
	// PendingDelay and BootDelay model EC2's launch (RunInstances → running) and the OS
	// boot, in platform time (divided by the timescale). Defaults 21 s and 4 s.
	PendingDelay time.Duration `yaml:"pending_delay,omitempty" json:"pending_delay,omitempty"`
	BootDelay    time.Duration `yaml:"boot_delay,omitempty" json:"boot_delay,omitempty"`
}

// WithDefaults fills every unset field; instanceType is the platform's default type.
func (t LaunchTemplate) WithDefaults(instanceType string) LaunchTemplate {
	if t.InstanceType == "" {
		t.InstanceType = instanceType
	}
	if t.Purchase == "" {
		t.Purchase = DefaultPurchase
	}
	if t.CreditMode == "" {
		t.CreditMode = DefaultCreditMode(t.InstanceType)
	}
	if t.PendingDelay == 0 {
		t.PendingDelay = DefaultPendingDelay
	}
	if t.BootDelay == 0 {
		t.BootDelay = DefaultBootDelay
	}
	return t
}

// Validate checks the template after defaults; prefix names its place in the scenario
// (e.g. "asg") so that errors name the field.
func (t LaunchTemplate) Validate(prefix string) error {
	switch {
	case t.VCPU < 0:
		return fmt.Errorf("%s.vcpu: %v must be > 0", prefix, t.VCPU)
	case t.MemoryMiB < 0:
		return fmt.Errorf("%s.memory_mib: %d must be > 0", prefix, t.MemoryMiB)
	case t.PendingDelay < 0:
		return fmt.Errorf("%s.pending_delay: %v must not be negative", prefix, t.PendingDelay)
	case t.BootDelay < 0:
		return fmt.Errorf("%s.boot_delay: %v must not be negative", prefix, t.BootDelay)
	case t.CreditMode != CreditsStandard && t.CreditMode != CreditsUnlimited:
		return fmt.Errorf("%s.credit_mode: %q is not a credit mode (use standard or unlimited)", prefix, t.CreditMode)
	}
	if _, err := LookupType(t.InstanceType, t.VCPU, t.MemoryMiB); err != nil {
		return fmt.Errorf("%s.instance_type: %v", prefix, err)
	}
	return nil
}

// Spec returns the size of the template's instances; call after Validate.
func (t LaunchTemplate) Spec() TypeSpec {
	s, _ := LookupType(t.InstanceType, t.VCPU, t.MemoryMiB)
	return s
}

// Scale divides a platform-time delay by a timescale (≤ 0 means 1).
func Scale(d time.Duration, timescale float64) time.Duration {
	if timescale <= 0 || timescale == 1 {
		return d
	}
	return time.Duration(float64(d)/timescale + 0.5)
}

// CreditsFactory makes the CPU-credit account of a new burstable instance: the runner
// passes one built on the credit accountant of the world it runs in. It returns nil for
// types that are not burstable.
type CreditsFactory func(instanceType string, vcpu float64, mode string) Credits

// Options returns the fleet options every platform launching this template shares: the
// world's clock, driver, observer and credit model, the type's size, the purchase option
// and the launch delays compressed by timescale. Call after Validate; platforms add their
// own (prefix, load balancer, health checks, sampling).
func (t LaunchTemplate) Options(w World, timescale float64) Options {
	spec := t.Spec()
	o := Options{
		Clock: w.ClockOrWall(), Driver: w.Driver, OnEvent: w.OnEvent,
		InstanceType: spec.Name, VCPU: spec.VCPU, MemoryMiB: spec.MemoryMiB, Purchase: t.Purchase,
		PendingDelay: Scale(t.PendingDelay, timescale), BootDelay: Scale(t.BootDelay, timescale),
		Timescale: timescale,
	}
	if spec.Burstable && w.Credits != nil {
		mode := t.CreditMode
		o.NewCredits = func() Credits { return w.Credits(spec.Name, spec.VCPU, mode) }
	}
	return o
}
