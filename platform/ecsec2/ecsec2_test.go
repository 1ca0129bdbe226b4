package ecsec2

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"gopkg.in/yaml.v3"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestCapacityProviderReservation: M counts busy instances plus the fresh instances the
// waiting tasks fill; the reservation and the managed scaling decision follow.
func TestCapacityProviderReservation(t *testing.T) {
	ms := autoscale.ManagedScaling{}.WithDefaults(autoscale.AWSDefaults(), 1)
	spare := autoscale.ManagedScaling{TargetCapacity: 50}.WithDefaults(autoscale.AWSDefaults(), 1)
	tests := []struct {
		name                  string
		ms                    autoscale.ManagedScaling
		busy, waiting, per, n int
		wantM                 int
		wantReservation       float64
		wantInstances         int
	}{
		{"steady", ms, 2, 0, 2, 2, 2, 100, 2},
		{"scale from zero", ms, 0, 3, 2, 0, 2, 200, 2},
		{"waiting tasks on a full cluster", ms, 2, 3, 2, 2, 4, 200, 4},
		{"launching instances cover the wait", ms, 2, 1, 2, 3, 3, 100, 3},
		{"empty instance", ms, 1, 0, 2, 2, 1, 50, 1},
		{"target 50 % keeps a spare", spare, 2, 0, 2, 2, 2, 100, 4},
		{"nothing at all", ms, 0, 0, 2, 0, 0, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Required(tt.busy, tt.waiting, tt.per)
			if m != tt.wantM {
				t.Fatalf("M = %d, want %d", m, tt.wantM)
			}
			if r := autoscale.CapacityProviderReservation(m, tt.n); r != tt.wantReservation {
				t.Fatalf("reservation = %v, want %v", r, tt.wantReservation)
			}
			if got := tt.ms.Decide(m, tt.n); got != tt.wantInstances {
				t.Fatalf("Decide = %d, want %d", got, tt.wantInstances)
			}
		})
	}
}

type sim struct {
	clock *clocktest.Clock
	drv   *fleettest.Driver
	p     *ecs.Platform
}

func newSim(t *testing.T, cfg Config) *sim {
	t.Helper()
	s := &sim{clock: clocktest.New(t0), drv: fleettest.NewDriver()}
	p, err := New(cfg, ecs.Env{World: fleet.World{Clock: s.clock, Driver: s.drv}, NoFrontDoor: true})
	if err != nil {
		t.Fatal(err)
	}
	s.p = p
	t.Cleanup(func() { _ = p.Stop(context.Background()) })
	done := make(chan error, 1)
	go func() { done <- p.Start(context.Background()) }()
	fleettest.Eventually(t, "initial instances", func() bool { return len(p.Capacity().Records()) > 0 })
	s.run(t, 70*time.Second, 0)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return s
}

// run advances the clock second by second for d, burning pct % of every running task's
// vCPU before each second.
func (s *sim) run(t *testing.T, d time.Duration, pct float64) {
	t.Helper()
	for i := 0; i < int(d/time.Second); i++ {
		for _, ti := range s.p.Service().Tasks() {
			if ti.State == ecs.Running {
				s.drv.Machine(ti.ID).Burn(s.clock.Now(), pct/100)
			}
		}
		s.clock.Advance(time.Second)
		fleettest.Eventually(t, "app starts", func() bool {
			for _, ti := range s.p.Service().Tasks() {
				if ti.State == ecs.Activating && ti.Addr == "" {
					return false
				}
			}
			return true
		})
	}
}

func live(p *ecs.Platform) int {
	n := 0
	for _, r := range p.Capacity().Records() {
		if r.EndedAt.IsZero() {
			n++
		}
	}
	return n
}

func count(evs []platform.Event, kind string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// TestTwoLevelScaling: c5.large holds one 1 vCPU / 2 GB task. Under 90 % CPU the service
// scales out; the new task waits in PROVISIONING; managed scaling launches an instance
// and the task runs there. When the load ends the service scales in and the empty
// instance is terminated after the 15-datapoint scale-in alarm and its warm-up.
func TestTwoLevelScaling(t *testing.T) {
	cfg := Config{LaunchTemplate: fleet.LaunchTemplate{InstanceType: "c5.large"}, Instances: Instances{Min: 1, Max: 3}}
	cfg.Min, cfg.Max = 1, 2
	s := newSim(t, cfg)
	if st := s.p.Status(); st.InService != 1 || live(s.p) != 1 {
		t.Fatalf("after start: %+v, %d instances", st, live(s.p))
	}
	s.run(t, 7*time.Minute, 90)
	tasks := s.p.Service().Tasks()
	if st := s.p.Status(); st.Desired != 2 {
		t.Fatalf("no service scale-out: %+v\n%v", st, s.p.Events())
	}
	s.run(t, 5*time.Minute, 90)
	waited := false
	for _, e := range s.p.Events() {
		if e.Kind == "task_placed" && e.Instance == "task-2" && strings.HasPrefix(e.Detail, "ecs-2 after 2m") {
			waited = true
		}
	}
	st := s.p.Status()
	if st.InService != 2 || live(s.p) != 2 {
		t.Fatalf("second task not running on a second instance: %+v, %d instances, tasks %+v\n%v", st, live(s.p), tasks, s.p.Events())
	}
	if !waited {
		t.Fatalf("task-2 did not wait in PROVISIONING for an instance: %v", s.p.Events())
	}
	fleettest.CheckEvents(t, s.p.Events(), "scale", "task_provisioning", "capacity_alarm", "capacity_scale", "launch", "instance_registered", "task_placed", "task_running")

	s.run(t, 45*time.Minute, 5)
	st = s.p.Status()
	if st.Desired != 1 || st.InService != 1 || live(s.p) != 1 {
		t.Fatalf("no scale-in: %+v, %d instances\n%v", st, live(s.p), s.p.Events())
	}
	if count(s.p.Events(), "terminate") != 1 {
		t.Fatalf("events %v", s.p.Events())
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"defaults", "", ""},
		{"spread", "placement: spread\ninstances: {min: 0, max: 3}\ntarget_capacity: 80\n", ""},
		{"bad placement", "placement: random\n", "ecs-ec2.placement"},
		{"task too big", "instance_type: c5.large\ncpu: 4\nmemory_gb: 8\n", "ecs-ec2.instance_type: c5.large registers"},
		{"target capacity", "target_capacity: 120\n", "ecs-ec2.target_capacity"},
		{"steps", "minimum_scaling_step_size: 5\nmaximum_scaling_step_size: 2\n", "ecs-ec2.maximum_scaling_step_size"},
		{"unknown key", "instance_typ: m5.large\n", "instance_typ"},
		{"max instances", "instances: {min: 2, max: 1}\n", "ecs-ec2.instances.max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &n); err != nil {
				t.Fatal(err)
			}
			var node *yaml.Node
			if len(n.Content) > 0 {
				node = n.Content[0]
			}
			c, err := DecodeConfig(node, 1)
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("DecodeConfig = %v, want %q", err, tt.want)
			}
			if err == nil && (c.InstanceType == "" || c.TargetCapacity == 0 || c.InstanceWarmup != 300*time.Second) {
				t.Fatalf("defaults not applied: %+v", c)
			}
		})
	}
}

// FuzzDecodeConfig: no input panics, and what decodes validates.
func FuzzDecodeConfig(f *testing.F) {
	for _, s := range []string{"instance_type: c5.large\ncpu: 4\n", "placement: spread\ninstances: {min: 0, max: 3}\n",
		"target_capacity: 80\ninstance_warmup: 30s\n", "minimum_scaling_step_size: 3\n", "vcpu: -1\n", "{}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(src), &n) != nil || len(n.Content) == 0 {
			return
		}
		if c, err := DecodeConfig(n.Content[0], 1); err == nil {
			if err := c.Validate(); err != nil {
				t.Fatalf("decoded config does not validate: %v", err)
			}
		}
	})
}
