package lambda

import "time"

// BilledMillis rounds one invocation's duration (INIT included for a cold start) up to
// the next millisecond: Lambda's billing granularity since December 2020, and INIT is
// billed for every function type since 1 August 2025. Source: [aws-blog] (see the
// Lambda section of the project's AWS facts).
func BilledMillis(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

// Meter is what one function consumed, in the units Lambda bills: GB-seconds come from
// MemoryMB × billed milliseconds, requests from invocations. On-demand and provisioned
// environments are billed at different rates, so they are counted apart.
type Meter struct {
	MemoryMB int    `json:"memory_mb"`
	Arch     string `json:"arch"`
	// Invocations and BilledMillis are those of on-demand environments; BilledMillis
	// includes the INIT of their cold starts (InitBilledMillis of it).
	Invocations      int64 `json:"invocations"`
	BilledMillis     int64 `json:"billed_ms"`
	InitBilledMillis int64 `json:"init_billed_ms"`
	// ProvisionedConcurrency environments were enabled for ProvisionedEnabled; the
	// invocations they served and their durations are billed at the provisioned rates
	// (their INIT is part of the provisioned price).
	ProvisionedConcurrency  int           `json:"provisioned_concurrency,omitempty"`
	ProvisionedEnabled      time.Duration `json:"provisioned_enabled,omitempty"`
	ProvisionedInvocations  int64         `json:"provisioned_invocations,omitempty"`
	ProvisionedBilledMillis int64         `json:"provisioned_billed_ms,omitempty"`
	// ColdStarts counts on-demand environments started for a request; InitFailures those
	// whose INIT failed or timed out.
	ColdStarts   int64 `json:"cold_starts"`
	InitFailures int64 `json:"init_failures,omitempty"`
	// Throttles counts refused invocations (not billed): ConcurrencyThrottles over the
	// concurrency limit, ScalingThrottles over the scaling rate.
	Throttles            int64 `json:"throttles"`
	ConcurrencyThrottles int64 `json:"concurrency_throttles"`
	ScalingThrottles     int64 `json:"scaling_throttles"`
	// Timeouts counts invocations that hit the function timeout (billed in full).
	Timeouts int64 `json:"timeouts"`
}

// GBSeconds is the on-demand compute billed: memory in GB × billed seconds.
func (m Meter) GBSeconds() float64 {
	return float64(m.MemoryMB) / 1024 * float64(m.BilledMillis) / 1000
}
