package fleet

import "time"

// EC2 launch defaults shared by every platform that launches instances. Source: [3p]
// github.com/brevdev/ec2-coldboot-research measured ~25 s on average from the RunInstances
// call to SSH: the API call ~19 % (≈4.5 s), pending → running ~16.5 s for any type, boot →
// SSH ~3 s. daemonology.net/blog/2021-08-12-EC2-boot-time-benchmarking.html has a c5.xlarge
// at 1.5 s API + 4.9 s pending + ~23 s boot. The app's own start (model load) comes on top
// and is measured, never modelled.
const (
	// DefaultPendingDelay is RunInstances → running (API + pending): 4.5 + 16.5 s.
	DefaultPendingDelay = 21 * time.Second
	// DefaultBootDelay is running → the OS can start the app (boot → SSH ~3 s, rounded
	// up so that launch → app start is the measured ~25 s average).
	DefaultBootDelay = 4 * time.Second
	// DefaultPurchase is the purchase option of instances unless configured.
	DefaultPurchase = "on-demand"
)

// Credit specification modes of burstable instances. Source: [doc] EC2 User Guide,
// burstable-performance-instances-how-to.html: T3, T3a and T4g launch as unlimited by
// default, T2 as standard.
const (
	CreditsStandard  = "standard"
	CreditsUnlimited = "unlimited"
)

// DefaultCreditMode returns the credit specification an instance type launches with.
func DefaultCreditMode(instanceType string) string {
	if len(instanceType) >= 3 && instanceType[:3] == "t2." {
		return CreditsStandard
	}
	return CreditsUnlimited
}
