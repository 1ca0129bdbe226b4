package cluster

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type rig struct {
	clock   *clocktest.Clock
	drv     *fleettest.Driver
	log     *ecs.Log
	cluster *Cluster
	svc     *ecs.Service
}

// newRig builds a service on a cluster of instances holding perInstance 1 vCPU / 2 GiB
// tasks, on a fake clock and fake machines, without a target group (tasks are RUNNING
// once their app is ready). Instances register 30 s after launch; pulls take 10 s.
func newRig(t *testing.T, strategy string, instVCPU float64) *rig {
	t.Helper()
	r := &rig{clock: clocktest.New(t0), drv: fleettest.NewDriver()}
	r.log = ecs.NewLog(r.clock, nil)
	var err error
	r.cluster, err = New(Options{Clock: r.clock, Log: r.log, InstanceType: "test.large", VCPU: instVCPU,
		MemoryMiB: 16384, LaunchDelay: 30 * time.Second, Strategy: strategy, TaskVCPU: 1, TaskMemoryMiB: 2048,
		PullDuration: 10 * time.Second, Timescale: 1})
	if err != nil {
		t.Fatal(err)
	}
	r.svc, err = ecs.NewService(ecs.ServiceOptions{Clock: r.clock, Driver: r.drv, Capacity: r.cluster, Log: r.log, VCPU: 1, MemoryMiB: 2048})
	if err != nil {
		t.Fatal(err)
	}
	r.cluster.OnChange(r.svc.PlaceWaiting)
	t.Cleanup(func() {
		_ = r.svc.Close(context.Background())
		r.cluster.Close()
	})
	return r
}

// advance moves the fake clock and lets app starts (goroutines) land.
func (r *rig) advance(t *testing.T, d time.Duration) {
	t.Helper()
	r.clock.Advance(d)
	fleettest.Eventually(t, "app starts", func() bool {
		for _, ti := range r.svc.Tasks() {
			if ti.State == ecs.Activating {
				return false
			}
		}
		return true
	})
}

func (r *rig) hosts() map[string]int {
	out := map[string]int{}
	for _, ti := range r.svc.Tasks() {
		if ti.State == ecs.Running {
			out[ti.Host]++
		}
	}
	return out
}

func count(evs []platform.Event, kind string, detail string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind && strings.Contains(e.Detail, detail) {
			n++
		}
	}
	return n
}

// TestProvisioningUntilInstance: with no instance, tasks wait in PROVISIONING; once an
// instance registers they are placed, pull, and run.
func TestProvisioningUntilInstance(t *testing.T) {
	r := newRig(t, ecs.Binpack, 2)
	r.svc.SetDesired(2)
	r.advance(t, time.Minute)
	if st := r.svc.Status(); st.Pending != 2 || st.InService != 0 || r.cluster.Waiting() != 2 {
		t.Fatalf("without instances: %+v, waiting %d", st, r.cluster.Waiting())
	}
	r.cluster.Launch(1, "test")
	r.advance(t, 29*time.Second)
	if st := r.svc.Status(); st.Pending != 2 {
		t.Fatalf("before the instance registers: %+v", st)
	}
	r.advance(t, time.Second) // registered: both placed, the pull starts
	r.advance(t, 10*time.Second)
	if st := r.svc.Status(); st.InService != 2 || r.cluster.Waiting() != 0 {
		t.Fatalf("after registration and pull: %+v", st)
	}
	evs := r.log.Events()
	fleettest.CheckEvents(t, evs, "task_provisioning", "launch", "instance_registered", "task_placed", "task_pull", "task_running")
	if got := count(evs, "task_placed", "after 1m30s in PROVISIONING"); got != 2 {
		t.Errorf("placed events with the PROVISIONING wait: %d", got)
	}
}

// TestPullOncePerInstance: the first task on an instance pulls the image, a task placed
// during that pull waits for it, a later one finds it cached; a new instance pulls again.
func TestPullOncePerInstance(t *testing.T) {
	r := newRig(t, ecs.Binpack, 3)
	r.cluster.Launch(1, "test")
	r.advance(t, 30*time.Second)
	r.svc.SetDesired(1)
	r.advance(t, 4*time.Second)
	r.svc.SetDesired(2) // during the first pull
	r.advance(t, 6*time.Second)
	if st := r.svc.Status(); st.InService != 2 {
		t.Fatalf("both tasks should run once the shared pull ends: %+v", st)
	}
	r.svc.SetDesired(3)
	r.advance(t, 0)
	if st := r.svc.Status(); st.InService != 3 {
		t.Fatalf("cached image: the third task starts at once: %+v", st)
	}
	r.svc.SetDesired(4) // the instance is full: a new one
	r.cluster.Launch(1, "test")
	r.advance(t, 30*time.Second)
	if st := r.svc.Status(); st.InService != 3 {
		t.Fatalf("the new instance pulls first: %+v", st)
	}
	r.advance(t, 10*time.Second)
	if st := r.svc.Status(); st.InService != 4 {
		t.Fatalf("after the second pull: %+v", st)
	}
	evs := r.log.Events()
	if a, b, c := count(evs, "task_pull", "image pull"), count(evs, "task_pull", "waiting"), count(evs, "task_pull", "cached"); a != 2 || b != 1 || c != 1 {
		t.Fatalf("pulls %d, shared %d, cached %d; events %v", a, b, c, evs)
	}
}

// TestBinpackVersusSpread: four tasks on two registered 4-vCPU instances.
func TestBinpackVersusSpread(t *testing.T) {
	for _, tt := range []struct {
		strategy string
		want     map[string]int
	}{
		{ecs.Binpack, map[string]int{"ci-1": 4}},
		{ecs.Spread, map[string]int{"ci-1": 2, "ci-2": 2}},
	} {
		t.Run(tt.strategy, func(t *testing.T) {
			r := newRig(t, tt.strategy, 4)
			r.cluster.Launch(2, "test")
			r.advance(t, 30*time.Second)
			for n := 1; n <= 4; n++ {
				r.svc.SetDesired(n)
				r.advance(t, 10*time.Second)
			}
			got := r.hosts()
			if len(got) != len(tt.want) {
				t.Fatalf("hosts %v, want %v", got, tt.want)
			}
			for h, n := range tt.want {
				if got[h] != n {
					t.Fatalf("hosts %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestCrashIsReplaced: a task whose app exits (e.g. OutOfMemory) is STOPPED with the
// reason and the scheduler starts a replacement; its reservation is released.
func TestCrashIsReplaced(t *testing.T) {
	r := newRig(t, ecs.Binpack, 1)
	r.cluster.Launch(1, "test")
	r.advance(t, 30*time.Second)
	r.svc.SetDesired(1)
	r.advance(t, 10*time.Second)
	r.drv.Machine("task-1").Crash()
	fleettest.Eventually(t, "replacement", func() bool { return len(r.svc.Tasks()) == 2 })
	r.advance(t, 0) // the released slot is offered on the next clock step
	r.advance(t, 0)
	if st := r.svc.Status(); st.InService != 1 {
		t.Fatalf("replacement not running (cached image): %+v %+v", st, r.svc.Tasks())
	}
	tasks := r.svc.Tasks()
	if tasks[0].State != ecs.Stopped || !strings.Contains(tasks[0].StoppedReason, "Essential container in task exited: exit 2") {
		t.Fatalf("stopped task: %+v", tasks[0])
	}
	recs := r.svc.Records()
	if len(recs) != 2 || recs[0].EndedAt.IsZero() || !recs[1].EndedAt.IsZero() {
		t.Fatalf("records %+v", recs)
	}
}

// TestScaleInStopsUnstartedFirst: scale-in stops tasks still in PROVISIONING before
// running ones.
func TestScaleInStopsUnstartedFirst(t *testing.T) {
	r := newRig(t, ecs.Binpack, 1)
	r.cluster.Launch(1, "test")
	r.advance(t, 30*time.Second)
	r.svc.SetDesired(3)
	r.advance(t, 10*time.Second)
	if st := r.svc.Status(); st.InService != 1 || st.Pending != 2 {
		t.Fatalf("status %+v", st)
	}
	r.svc.SetDesired(1)
	if st := r.svc.Status(); st.InService != 1 || st.Pending != 0 || r.cluster.Waiting() != 0 {
		t.Fatalf("after scale-in: %+v", st)
	}
	if r.drv.Machine("task-1").Stops() != 0 {
		t.Fatal("the running task was stopped")
	}
}

func TestClusterTerminateKeepsBusyInstances(t *testing.T) {
	r := newRig(t, ecs.Binpack, 2)
	r.cluster.Launch(2, "test")
	r.advance(t, 30*time.Second)
	r.svc.SetDesired(1)
	r.advance(t, 10*time.Second)
	if err := r.cluster.Terminate("ci-1", "test"); err == nil {
		t.Fatal("terminated an instance that runs a task")
	}
	if err := r.cluster.Terminate("ci-2", "test"); err != nil {
		t.Fatal(err)
	}
	if p, a, b := r.cluster.Counts(); p != 0 || a != 1 || b != 1 {
		t.Fatalf("counts %d %d %d", p, a, b)
	}
	recs := r.cluster.Records()
	if recs[1].EndedAt.Sub(recs[1].LaunchedAt) != 40*time.Second || !recs[0].EndedAt.IsZero() {
		t.Fatalf("records %+v", recs)
	}
}
