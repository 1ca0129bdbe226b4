package billing

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/pricing"
)

// Usage is everything metered in one billing period (treated as one calendar month for
// tiered prices). Each slice holds records of one kind; the zero value is an empty bill.
type Usage struct {
	Instances   []InstanceUsage
	Credits     []CreditSurcharge
	MIFees      []MIFee
	EMRFees     []EMRFee
	Tasks       []TaskUsage
	Lambda      []LambdaUsage
	Provisioned []LambdaProvisionedUsage
	APIGateway  []APIGatewayUsage
	ALB         []ALBUsage
	DataOut     []DataTransferOut
}

// InstanceUsage is one run of an EC2 instance, from a start (launch or stop→start) to its
// stop or termination. Each record gets its own 60-second minimum; a reboot is not a new
// record.
type InstanceUsage struct {
	ID       string // optional, for messages
	Type     string
	Purchase pricing.Purchase
	Start    time.Time
	End      time.Time
}

// CreditSurcharge is surplus CPU credit usage of a burstable instance in unlimited mode,
// in vCPU-hours (60 surplus credits = 1 vCPU-hour).
type CreditSurcharge struct {
	Type      string
	VCPUHours float64
}

// MIFee is one ECS Managed Instances instance's management-fee period (on top of its EC2
// price, which is an InstanceUsage of its own).
type MIFee struct {
	Type       string
	Start, End time.Time
}

// EMRFee is one EMR cluster instance's EMR fee period (on top of its EC2 price).
type EMRFee struct {
	Type       string
	Start, End time.Time
}

// TaskUsage is one Fargate task, from the start of its image pull to its end.
type TaskUsage struct {
	ID          string
	VCPU        float64 // 0.25, 0.5, 1, 2, 4, 8 or 16
	MemoryGB    float64 // valid for VCPU, see ValidFargateSize
	EphemeralGB float64 // total ephemeral storage configured (20 GB are included); 0 = 20
	Arch        string  // "x86_64" (default) or "arm64"
	Spot        bool    // Fargate Spot
	Start, End  time.Time
}

// LambdaUsage aggregates invocations of one function configuration (memory, arch).
type LambdaUsage struct {
	MemoryMB    int    // 128–10,240
	Arch        string // "x86_64" (default) or "arm64"
	Invocations int64
	// BilledDuration is the sum over invocations of each invocation's duration rounded up
	// to 1 ms (see BilledDuration), INIT included for cold starts.
	BilledDuration time.Duration
}

// LambdaProvisionedUsage is provisioned concurrency kept enabled for a period, and the
// invocations served by it.
type LambdaProvisionedUsage struct {
	MemoryMB       int
	Arch           string
	Concurrency    int
	Enabled        time.Duration // rounded up to 5 minutes when billed
	Invocations    int64
	BilledDuration time.Duration // as in LambdaUsage
}

// APIKind is the API Gateway API type.
type APIKind string

// API Gateway API types.
const (
	HTTPAPI APIKind = "http"
	RESTAPI APIKind = "rest"
)

// APIGatewayUsage counts API requests of one API type.
type APIGatewayUsage struct {
	Kind     APIKind
	Requests int64
}

// ALBUsage is one load balancer over Hours. Give LCUHours when the meter computed them
// hour by hour (the exact rule: each hour is billed on its highest dimension); otherwise
// give the period's average dimensions and LCU-hours are max-dimension LCU × Hours.
type ALBUsage struct {
	Hours    float64
	LCUHours float64 // if > 0, used as is

	NewConnPerSec      float64
	ActiveConnPerMin   float64
	ProcessedGBPerHour float64
	RuleEvalsPerSec    float64 // billed rule evaluations (beyond the 10 free rules)
	LambdaTargets      bool    // processed-bytes dimension uses the Lambda-target allowance
}

// DataTransferOut is data sent from AWS to the internet in the period.
type DataTransferOut struct {
	GB float64
}

// BilledDuration rounds one Lambda invocation's duration (INIT included) up to the next
// millisecond, the billing granularity since December 2020.
func BilledDuration(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return (d + time.Millisecond - 1) / time.Millisecond * time.Millisecond
}

// ValidFargateSize reports whether vcpu/memoryGB is a Linux Fargate task size. Source:
// AWS_Fargate.html (task CPU and memory): 0.25 vCPU: 0.5/1/2 GB; 0.5: 1–4 GB; 1: 2–8 GB;
// 2: 4–16 GB; 4: 8–30 GB (1 GB steps); 8: 16–60 GB (4 GB steps); 16: 32–120 GB (8 GB steps).
func ValidFargateSize(vcpu, memoryGB float64) error {
	type size struct{ lo, hi, step float64 }
	sizes := map[float64]size{0.25: {0.5, 2, 0}, 0.5: {1, 4, 1}, 1: {2, 8, 1}, 2: {4, 16, 1}, 4: {8, 30, 1}, 8: {16, 60, 4}, 16: {32, 120, 8}}
	s, ok := sizes[vcpu]
	if !ok {
		return fmt.Errorf("fargate vcpu %g is not valid (0.25, 0.5, 1, 2, 4, 8 or 16)", vcpu)
	}
	valid := memoryGB >= s.lo && memoryGB <= s.hi
	if s.step == 0 {
		valid = memoryGB == 0.5 || memoryGB == 1 || memoryGB == 2
	} else if valid {
		k := (memoryGB - s.lo) / s.step
		valid = k == float64(int(k))
	}
	if !valid {
		if s.step == 0 {
			return fmt.Errorf("fargate memory %g GB is not valid for %g vCPU (valid: 0.5, 1, 2 GB)", memoryGB, vcpu)
		}
		return fmt.Errorf("fargate memory %g GB is not valid for %g vCPU (valid: %g–%g GB in %g GB steps)", memoryGB, vcpu, s.lo, s.hi, s.step)
	}
	return nil
}
