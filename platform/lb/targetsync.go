package lb

import (
	"errors"
	"sync"
)

// TargetSync adapts a Balancer's registry to the target interface of the instance and
// task lifecycles (Register, Deregister with a drained callback) and routes the
// balancer's target events back to their owner: healthy and unhealthy become SetHealth,
// removal completes a drain. The ASG and the ECS services share it. Set Balancer before
// the first Register, and Emit and SetHealth before targets exist; unset hooks are
// skipped.
type TargetSync struct {
	Balancer *Balancer
	// Emit records an event (kind, target ID, detail) in the owner's timeline.
	Emit func(kind, id, detail string)
	// SetHealth tells the owner a target's health changed.
	SetHealth func(id string, healthy bool)

	mu     sync.Mutex
	drains map[string]func()
}

// Register adds a target; it receives traffic once its health checks pass.
func (t *TargetSync) Register(id, addr string) {
	if err := t.Balancer.Register(Target{ID: id, Addr: addr}); err != nil && !errors.Is(err, ErrClosed) && t.Emit != nil {
		t.Emit("register_failed", id, err.Error())
	}
}

// Deregister starts draining a target and calls drained once it is removed.
func (t *TargetSync) Deregister(id string, drained func()) {
	t.mu.Lock()
	if t.drains == nil {
		t.drains = map[string]func(){}
	}
	t.drains[id] = drained
	t.mu.Unlock()
	if err := t.Balancer.Deregister(id); err != nil { // unknown or closed: nothing to drain
		t.finish(id)
	}
}

func (t *TargetSync) finish(id string) {
	t.mu.Lock()
	fn := t.drains[id]
	delete(t.drains, id)
	t.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// Observe is the balancer's Observer.
func (t *TargetSync) Observe(e Event) {
	if t.Emit != nil {
		pe := e.PlatformEvent()
		t.Emit(pe.Kind, pe.Instance, pe.Detail)
	}
	if t.SetHealth == nil {
		return
	}
	switch e.To {
	case Healthy:
		t.SetHealth(e.Target.ID, true)
	case Unhealthy:
		t.SetHealth(e.Target.ID, false)
	case Unused:
		t.finish(e.Target.ID)
	}
}
