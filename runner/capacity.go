package runner

import (
	"fmt"
	"math"
	goruntime "runtime"
)

// loadGenReserve is the share of host cores kept free for the load generator and the
// control plane; the emulated fleet gets the rest.
const loadGenReserve = 0.5

// CheckCapacity verifies that the largest platform's fleet fits the host: its emulated
// vCPUs × fraction must not exceed the host cores less the load generator's reserve.
// Platforms run one at a time, so the largest one decides. The error suggests the
// vcpu_fraction that would fit.
func CheckCapacity(maxVCPU map[string]float64, hints map[string]string, fraction, hostCores float64) error {
	if hostCores <= 0 {
		hostCores = float64(goruntime.NumCPU())
	}
	budget := hostCores - loadGenReserve
	worst, worstName := 0.0, ""
	for name, v := range maxVCPU {
		if v > worst || (v == worst && name < worstName) {
			worst, worstName = v, name
		}
	}
	need := worst * fraction
	if need <= budget+1e-9 {
		return nil
	}
	fit := math.Floor(budget/worst*1000) / 1000
	hint := hints[worstName]
	if hint == "" {
		hint = "lower the platform's max capacity"
	}
	return fmt.Errorf("host capacity: platform %q can run %g emulated vCPUs × vcpu_fraction %g = %.2f host cores, but this machine has %g cores of which %.1f are kept for the load generator; lower vcpu_fraction to %g or less, or %s",
		worstName, worst, fraction, need, hostCores, loadGenReserve, fit, hint)
}
