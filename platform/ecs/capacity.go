package ecs

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/platform"
)

// Capacity is where a service's tasks run: a cluster.Cluster of container instances, or
// Fargate (package fargate). The service calls it under its own lock, so implementations
// must not call the service back synchronously.
type Capacity interface {
	// Place reserves room for one task now, or reports false: the task then waits in
	// PROVISIONING until the capacity calls the service's PlaceWaiting.
	Place(taskID string) (Placement, bool)
	// Release returns a task's reservation (no-op for a task never placed).
	Release(taskID string)
	// SetWaiting tells the capacity how many tasks wait in PROVISIONING, so that its
	// scaler can add instances.
	SetWaiting(n int)
	// Records returns the billed instances (nil for Fargate).
	Records() []platform.InstanceRecord
	// Close terminates what the capacity holds.
	Close()
}

// Placement is where a task was placed and how long it takes to get going, in clock time.
type Placement struct {
	// Host is the container instance ID ("" on Fargate); HostType its instance type.
	Host     string
	HostType string
	// Provision is the wait before the image pull starts (Fargate provisions capacity and
	// attaches the task's network interface first); billing starts after it.
	Provision time.Duration
	// Pull is how long the image pull takes (0 when the image is cached on the instance).
	Pull time.Duration
	// Cached is true when the image was already on the instance; PullShared when another
	// task's pull of it was still under way (Pull is the remainder).
	Cached     bool
	PullShared bool
}

// PullDuration is how long pulling an image of sizeMB takes at throughputMBps.
func PullDuration(sizeMB, throughputMBps float64) time.Duration {
	if !(sizeMB > 0) || !(throughputMBps > 0) {
		return 0
	}
	return time.Duration(sizeMB / throughputMBps * float64(time.Second))
}

// ValidStrategy reports an error naming the field unless s is binpack or spread.
func ValidStrategy(field, s string) error {
	if s != Binpack && s != Spread {
		return fmt.Errorf("%s: %q is not a placement strategy (use binpack or spread)", field, s)
	}
	return nil
}
