package live

import (
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/runtime/burst"
)

// Credits is the fleet.CreditsFactory of live runs: the runtime's CPU-credit accountant
// for burstable types, nil for every other type.
func Credits(instanceType string, vcpu float64, mode string) fleet.Credits {
	a, err := burst.ForType(instanceType, burst.Mode(mode))
	if err != nil {
		return nil // not burstable: no credit model
	}
	return a
}

var _ fleet.CreditsFactory = Credits
