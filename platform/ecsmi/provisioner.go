package ecsmi

import (
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecs/cluster"
)

// Launches returns how many instances to launch for waiting tasks: enough fresh
// instances (perInstance tasks each) for the tasks the instances already launching will
// not take, within max instances in all. Pure.
func Launches(waiting, launching, live, perInstance, maxInstances int) int {
	if waiting <= 0 || perInstance <= 0 {
		return 0
	}
	uncovered := waiting - launching*perInstance
	if uncovered <= 0 {
		return 0
	}
	n := (uncovered + perInstance - 1) / perInstance
	return max(0, min(n, maxInstances-live))
}

// provisioner is Managed Instances' capacity management: it launches instances as soon
// as tasks wait in PROVISIONING, and terminates instances that have been empty for
// scaleInAfter (keeping min).
type provisioner struct {
	clock        platform.Clock
	cluster      *cluster.Cluster
	log          *ecs.Log
	min, max     int
	scaleInAfter time.Duration // clock time; negative: never
	every        time.Duration

	mu      sync.Mutex
	stopped bool
	timer   platform.Timer
}

// waitingChanged is the cluster's OnWaiting hook: called under the service's lock, so it
// only schedules the work.
func (p *provisioner) waitingChanged(int) {
	p.clock.AfterFunc(0, p.provision)
}

func (p *provisioner) provision() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	pending, active, _ := p.cluster.Counts()
	waiting := p.cluster.Waiting()
	per := p.cluster.TasksPerInstance()
	// An instance that has just become active takes its waiting tasks a moment later:
	// its free places cover them, as a launching instance's do.
	for _, in := range p.cluster.Instances() {
		if in.State == cluster.InstanceActive && in.Tasks < per {
			waiting -= per - in.Tasks
		}
	}
	if n := Launches(waiting, pending, pending+active, per, p.max); n > 0 {
		p.log.Emit("capacity_scale", "", fmt.Sprintf("instances %d → %d: %d task(s) waiting for capacity", pending+active, pending+active+n, waiting))
		p.cluster.Launch(n, "managed instances provisioning")
	}
}

func (p *provisioner) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.timer = p.clock.AfterFunc(p.every, p.tick)
}

func (p *provisioner) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	if p.timer != nil {
		p.timer.Stop()
	}
}

// tick retries provisioning (a launch may have been capped by max) and scales in idle
// instances, newest first.
func (p *provisioner) tick() {
	p.provision()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	if p.scaleInAfter >= 0 {
		now := p.clock.Now()
		insts := p.cluster.Instances()
		live := 0
		for _, in := range insts {
			if in.State != cluster.InstanceTerminated {
				live++
			}
		}
		for i := len(insts) - 1; i >= 0 && live > p.min; i-- {
			in := insts[i]
			if in.State == cluster.InstanceActive && in.Tasks == 0 && !now.Before(in.IdleSince.Add(p.scaleInAfter)) {
				if p.cluster.Terminate(in.ID, "idle for "+fmtDur(now.Sub(in.IdleSince))) == nil {
					live--
				}
			}
		}
	}
	p.timer = p.clock.AfterFunc(p.every, p.tick)
}

func fmtDur(d time.Duration) string { return d.Round(10 * time.Millisecond).String() }
