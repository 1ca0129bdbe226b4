package ecs

import (
	"errors"
	"sync"

	"github.com/deploybench/deploybench/platform/lb"
)

// targets adapts the load balancer's registry to fleet.Targets and routes the balancer's
// target events back: healthy and unhealthy become Service.SetTargetHealth, removal
// completes a drain.
type targets struct {
	b   *lb.Balancer
	s   *Service // set once the service exists; no target exists before
	log *Log

	mu     sync.Mutex
	drains map[string]func()
}

// Register implements fleet.Targets.
func (t *targets) Register(id, addr string) {
	if err := t.b.Register(lb.Target{ID: id, Addr: addr}); err != nil && !errors.Is(err, lb.ErrClosed) {
		t.log.Emit("register_failed", id, err.Error())
	}
}

// Deregister implements fleet.Targets.
func (t *targets) Deregister(id string, drained func()) {
	t.mu.Lock()
	if t.drains == nil {
		t.drains = map[string]func(){}
	}
	t.drains[id] = drained
	t.mu.Unlock()
	if err := t.b.Deregister(id); err != nil { // unknown or closed: nothing to drain
		t.finish(id)
	}
}

func (t *targets) finish(id string) {
	t.mu.Lock()
	fn := t.drains[id]
	delete(t.drains, id)
	t.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// observe is the balancer's Observer.
func (t *targets) observe(e lb.Event) {
	pe := e.PlatformEvent()
	t.log.Emit(pe.Kind, pe.Instance, pe.Detail)
	if t.s == nil {
		return
	}
	switch e.To {
	case lb.Healthy:
		t.s.SetTargetHealth(e.Target.ID, true)
	case lb.Unhealthy:
		t.s.SetTargetHealth(e.Target.ID, false)
	case lb.Unused:
		t.finish(e.Target.ID)
	}
}
