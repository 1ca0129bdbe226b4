package cluster

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/ecs"
)

// Options wires a Cluster. Every delay is clock time: already divided by the
// scenario timescale.
type Options struct {
	// Clock is the only time source; Log receives the instance events. Required.
	Clock platform.Clock
	Log   *ecs.Log
	// Prefix starts instance IDs: Prefix + "-" + sequence number.
	Prefix string
	// InstanceType, VCPU and MemoryMiB describe each container instance; Purchase is its
	// billing option and ManagedFee marks ECS Managed Instances (billed a fee on top).
	InstanceType string
	VCPU         float64
	MemoryMiB    int
	Purchase     string
	ManagedFee   bool
	// ReservedMemoryMiB is memory the agent does not register for tasks.
	ReservedMemoryMiB int
	// LaunchDelay is from the launch call until the instance is registered (ACTIVE):
	// EC2 pending, OS boot and agent start.
	LaunchDelay time.Duration
	// Strategy is Binpack or Spread.
	Strategy string
	// TaskVCPU and TaskMemoryMiB size the service's tasks.
	TaskVCPU      float64
	TaskMemoryMiB int
	// PullDuration is how long the first task on an instance pulls the image; later tasks
	// on the same instance use the cached image.
	PullDuration time.Duration
	// Timescale converts clock time to platform time for billing records (0 means 1).
	Timescale float64
}

// Cluster is a set of container instances that tasks are placed on: ECS on EC2 capacity
// (an Auto Scaling group under a capacity provider) or ECS Managed Instances. It
// implements ecs.Capacity. Instances run no process of their own — a task's process is its
// own machine with the task's reservation as its limit — so an instance is book-keeping:
// registered CPU and memory, the tasks placed on it, the image cache and its billing.
// Scalers (ecsec2's managed scaling, ecsmi's provisioner) drive it with Launch and
// Terminate. Safe for concurrent use; it never calls the service under its lock.
type Cluster struct {
	o      Options
	origin time.Time

	mu        sync.Mutex
	seq       int
	insts     []*cinst
	byTask    map[string]*cinst
	records   []platform.InstanceRecord
	waiting   int
	closed    bool
	onChange  func()
	onWaiting func(n int)
}

type cinst struct {
	id         string
	state      InstanceState
	launchedAt time.Time
	activeAt   time.Time
	idleSince  time.Time
	timer      platform.Timer
	freeVCPU   float64
	freeMem    int
	tasks      map[string]bool
	pulledAt   time.Time // when the image is (or will be) on the instance; zero: never pulled
	pulled     bool
	rec        int
}

// InstanceInfo is a snapshot of one container instance.
type InstanceInfo struct {
	ID         string        `json:"id"`
	State      InstanceState `json:"-"`
	StateName  string        `json:"state"`
	LaunchedAt time.Time     `json:"launched_at"`
	ActiveAt   time.Time     `json:"active_at,omitzero"`
	// IdleSince is when the instance last became empty (zero while it runs tasks).
	IdleSince  time.Time `json:"idle_since,omitzero"`
	Tasks      int       `json:"tasks"`
	FreeVCPU   float64   `json:"free_vcpu"`
	FreeMemMiB int       `json:"free_mem_mib"`
}

// NewCluster returns an empty cluster.
func New(o Options) (*Cluster, error) {
	switch {
	case o.Clock == nil || o.Log == nil:
		return nil, errors.New("cluster: Options: Clock and Log are required")
	case !(o.VCPU > 0) || o.MemoryMiB <= 0:
		return nil, fmt.Errorf("cluster: Options: instance size %v vCPU / %d MiB must be positive", o.VCPU, o.MemoryMiB)
	case !(o.TaskVCPU > 0) || o.TaskMemoryMiB <= 0:
		return nil, fmt.Errorf("cluster: Options: task size %v vCPU / %d MiB must be positive", o.TaskVCPU, o.TaskMemoryMiB)
	}
	if err := ecs.ValidStrategy("cluster: Options.Strategy", o.Strategy); err != nil {
		return nil, err
	}
	if o.Prefix == "" {
		o.Prefix = "ci"
	}
	if o.Purchase == "" {
		o.Purchase = "on-demand"
	}
	if o.Timescale <= 0 {
		o.Timescale = 1
	}
	return &Cluster{o: o, origin: o.Clock.Now(), byTask: map[string]*cinst{}}, nil
}

// Options returns the cluster's options.
func (c *Cluster) Options() Options { return c.o }

// RegisteredMemoryMiB is the memory an instance registers for tasks.
func (c *Cluster) RegisteredMemoryMiB() int { return c.o.MemoryMiB - c.o.ReservedMemoryMiB }

// TasksPerInstance is how many of the service's tasks an empty instance holds.
func (c *Cluster) TasksPerInstance() int {
	return TasksPerInstance(c.o.VCPU, c.RegisteredMemoryMiB(), c.o.TaskVCPU, c.o.TaskMemoryMiB)
}

// OnChange sets the function called (off the cluster's lock) whenever capacity appears:
// an instance registers or a reservation is released. The service places waiting tasks.
func (c *Cluster) OnChange(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onChange = f
}

// OnWaiting sets the function told the number of tasks waiting in PROVISIONING whenever
// it changes; it is called under the service's lock and must not call the service.
func (c *Cluster) OnWaiting(f func(n int)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onWaiting = f
}

func (c *Cluster) platformTime(t time.Time) time.Time {
	if c.o.Timescale == 1 {
		return t
	}
	return c.origin.Add(time.Duration(float64(t.Sub(c.origin)) * c.o.Timescale))
}

// Launch starts n instances; each registers with the cluster after LaunchDelay.
func (c *Cluster) Launch(n int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := 0; i < n && !c.closed; i++ {
		c.seq++
		now := c.o.Clock.Now()
		in := &cinst{id: fmt.Sprintf("%s-%d", c.o.Prefix, c.seq), launchedAt: now, tasks: map[string]bool{},
			freeVCPU: c.o.VCPU, freeMem: c.RegisteredMemoryMiB(), rec: len(c.records)}
		c.insts = append(c.insts, in)
		c.records = append(c.records, platform.InstanceRecord{ID: in.id, Type: c.o.InstanceType, Purchase: c.o.Purchase,
			LaunchedAt: c.platformTime(now), ManagedFee: c.o.ManagedFee})
		c.o.Log.Emit("launch", in.id, c.o.InstanceType+": "+reason)
		in.timer = c.o.Clock.AfterFunc(c.o.LaunchDelay, func() { c.activate(in) })
	}
}

func (c *Cluster) activate(in *cinst) {
	c.mu.Lock()
	if c.closed || in.state != InstancePending {
		c.mu.Unlock()
		return
	}
	now := c.o.Clock.Now()
	in.state, in.activeAt, in.idleSince = InstanceActive, now, now
	c.o.Log.Emit("instance_registered", in.id, "launch→ACTIVE "+fmtDur(now.Sub(in.launchedAt)))
	f := c.onChange
	c.mu.Unlock()
	if f != nil {
		f()
	}
}

// ErrInstanceBusy is returned by Terminate for an instance that still runs tasks: the
// capacity provider's managed termination protection keeps it.
var ErrInstanceBusy = errors.New("cluster: instance runs tasks")

// Terminate ends an instance that runs no task (pending ones included).
func (c *Cluster) Terminate(id, reason string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, in := range c.insts {
		if in.id != id || in.state == InstanceTerminated {
			continue
		}
		if len(in.tasks) > 0 {
			return fmt.Errorf("%w: %s (%d)", ErrInstanceBusy, id, len(in.tasks))
		}
		c.terminateLocked(in, reason)
		return nil
	}
	return fmt.Errorf("cluster: unknown instance %q", id)
}

func (c *Cluster) terminateLocked(in *cinst, reason string) {
	if in.timer != nil {
		in.timer.Stop()
	}
	now := c.o.Clock.Now()
	in.state = InstanceTerminated
	c.records[in.rec].EndedAt = c.platformTime(now)
	c.o.Log.Emit("terminate", in.id, reason+"; lived "+fmtDur(now.Sub(in.launchedAt)))
}

// Place implements ecs.Capacity: it reserves room on an ACTIVE instance chosen by the
// placement strategy. The first task on an instance pulls the image; a task placed while
// that pull is under way waits for it to finish; later tasks find it cached.
func (c *Cluster) Place(taskID string) (ecs.Placement, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ecs.Placement{}, false
	}
	var slots []Slot
	var cand []*cinst
	for _, in := range c.insts {
		if in.state == InstanceActive {
			slots = append(slots, Slot{ID: in.id, FreeVCPU: in.freeVCPU, FreeMemMiB: in.freeMem, Tasks: len(in.tasks)})
			cand = append(cand, in)
		}
	}
	i := Choose(c.o.Strategy, slots, c.o.TaskVCPU, c.o.TaskMemoryMiB)
	if i < 0 {
		return ecs.Placement{}, false
	}
	in := cand[i]
	in.freeVCPU -= c.o.TaskVCPU
	in.freeMem -= c.o.TaskMemoryMiB
	in.tasks[taskID] = true
	in.idleSince = time.Time{}
	c.byTask[taskID] = in
	now := c.o.Clock.Now()
	p := ecs.Placement{Host: in.id, HostType: c.o.InstanceType}
	if !in.pulled {
		in.pulled, in.pulledAt = true, now.Add(c.o.PullDuration)
		p.Pull = c.o.PullDuration
	} else if in.pulledAt.After(now) {
		p.Pull, p.PullShared = in.pulledAt.Sub(now), true
	} else {
		p.Cached = true
	}
	return p, true
}

// Release implements ecs.Capacity.
func (c *Cluster) Release(taskID string) {
	c.mu.Lock()
	in := c.byTask[taskID]
	if in == nil {
		c.mu.Unlock()
		return
	}
	delete(c.byTask, taskID)
	delete(in.tasks, taskID)
	in.freeVCPU += c.o.TaskVCPU
	in.freeMem += c.o.TaskMemoryMiB
	if len(in.tasks) == 0 {
		in.idleSince = c.o.Clock.Now()
	}
	f := c.onChange
	closed := c.closed
	c.mu.Unlock()
	if f != nil && !closed {
		// Off the caller's lock: the service releases under its own and places later.
		c.o.Clock.AfterFunc(0, f)
	}
}

// SetWaiting implements ecs.Capacity.
func (c *Cluster) SetWaiting(n int) {
	c.mu.Lock()
	changed := n != c.waiting
	c.waiting = n
	f := c.onWaiting
	c.mu.Unlock()
	if changed && f != nil {
		f(n)
	}
}

// Waiting returns how many tasks wait in PROVISIONING.
func (c *Cluster) Waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting
}

// Instances returns every instance launched so far, terminated ones included.
func (c *Cluster) Instances() []InstanceInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]InstanceInfo, 0, len(c.insts))
	for _, in := range c.insts {
		out = append(out, InstanceInfo{ID: in.id, State: in.state, StateName: in.state.String(), LaunchedAt: in.launchedAt,
			ActiveAt: in.activeAt, IdleSince: in.idleSince, Tasks: len(in.tasks), FreeVCPU: in.freeVCPU, FreeMemMiB: in.freeMem})
	}
	return out
}

// Counts returns the instances launching (not yet registered), registered, and
// registered with at least one task.
func (c *Cluster) Counts() (pending, active, busy int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, in := range c.insts {
		switch in.state {
		case InstancePending:
			pending++
		case InstanceActive:
			active++
			if len(in.tasks) > 0 {
				busy++
			}
		}
	}
	return pending, active, busy
}

// Records implements ecs.Capacity: every instance's billing record, in platform time.
func (c *Cluster) Records() []platform.InstanceRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]platform.InstanceRecord(nil), c.records...)
}

// Close terminates every instance; the cluster launches and places nothing afterwards.
func (c *Cluster) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	for _, in := range c.insts {
		if in.state != InstanceTerminated {
			c.terminateLocked(in, "cluster stopped")
		}
	}
}

// fmtDur prints a duration rounded for timelines.
func fmtDur(d time.Duration) string {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// InstanceState is where a container instance is in its life.
type InstanceState int

// The container instance states.
const (
	// InstancePending: launched, not yet registered with the cluster (EC2 pending, boot,
	// ECS agent start).
	InstancePending InstanceState = iota
	// InstanceActive: registered with the cluster; tasks can be placed on it.
	InstanceActive
	// InstanceTerminated: gone; billing stopped.
	InstanceTerminated
)

var instanceStateNames = [...]string{"PENDING", "ACTIVE", "TERMINATED"}

// String returns the state's name.
func (s InstanceState) String() string {
	if s < 0 || int(s) >= len(instanceStateNames) {
		return "UNKNOWN"
	}
	return instanceStateNames[s]
}
