package ecsmi

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/clocktest"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecs/cluster"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/pricing"
	"gopkg.in/yaml.v3"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func catalog(t testing.TB) *pricing.Catalog {
	t.Helper()
	c, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in   string
		want pricing.Range
		err  bool
	}{
		{"", pricing.Range{}, false}, {"2-8", pricing.Range{Min: 2, Max: 8}, false}, {"4", pricing.Range{Min: 4, Max: 4}, false},
		{"2-", pricing.Range{Min: 2}, false}, {"-8", pricing.Range{Max: 8}, false}, {"4-16GiB", pricing.Range{Min: 4, Max: 16}, false},
		{" 0.5 - 1 ", pricing.Range{Min: 0.5, Max: 1}, false},
		{"8-2", pricing.Range{}, true}, {"two", pricing.Range{}, true}, {"0", pricing.Range{}, true}, {"-1-3", pricing.Range{}, true},
		{"NaN", pricing.Range{}, true},
	}
	for _, tt := range tests {
		got, err := ParseRange("ecs-mi.requirements.vcpu", tt.in)
		if (err != nil) != tt.err || (err == nil && got != tt.want) {
			t.Errorf("ParseRange(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "ecs-mi.requirements.vcpu: ") {
			t.Errorf("error does not name the field: %v", err)
		}
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"2-8", "4-16GiB", "-", "1e400-2", "3-", "--1", "0.25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRange("f", s)
		if err == nil && (r.Min < 0 || r.Max < 0 || (r.Max != 0 && r.Max < r.Min) || math.IsNaN(r.Min)) {
			t.Fatalf("ParseRange(%q) = %v accepted", s, r)
		}
	})
}

// TestChooseCheapest: the choice for vcpu 2-4, memory 4-16 GiB, AMD is the cheapest such
// type in the catalog (checked against a scan of every type).
func TestChooseCheapest(t *testing.T) {
	cat := catalog(t)
	req := Requirements{VCPU: "2-4", MemoryGiB: "4-16GiB", Manufacturer: "amd", Arch: "x86_64"}
	m, err := Choose(cat, "us-east-1", req, 1, 2048, ecs.DefaultReservedMemoryFraction)
	if err != nil {
		t.Fatal(err)
	}
	best, bestP := "", math.Inf(1)
	for _, typ := range cat.Types() {
		in, _ := cat.Instance(typ)
		p, ok := in.OnDemand["us-east-1"]
		if !ok || in.Manufacturer != "amd" || in.VCPUs < 2 || in.VCPUs > 4 || in.MemoryGiB() < 4 || in.MemoryGiB() > 16 ||
			in.Burstable || in.BareMetal || in.Generation < MinGeneration || in.GPU != nil || in.Accelerator != nil || in.Arch != "x86_64" {
			continue
		}
		if p < bestP {
			best, bestP = typ, p
		}
	}
	if m.PricePerHour != bestP {
		t.Fatalf("chose %s at $%v/h; the cheapest match is %s at $%v/h", m.Type, m.PricePerHour, best, bestP)
	}
	t.Logf("vcpu 2-4, memory 4-16 GiB, amd → %s ($%.4f/h)", m.Type, m.PricePerHour)

	if _, err := Choose(cat, "us-east-1", Requirements{VCPU: "1", MemoryGiB: "1"}, 1, 2048, 0.06); err == nil {
		t.Fatal("a 1 GiB type cannot hold a 2 GiB task")
	}
	m, err = Choose(cat, "us-east-1", Requirements{AllowedTypes: []string{"m5.*"}, ExcludedTypes: []string{"m5.large", "m5d.*"}}, 1, 2048, 0.06)
	if err != nil || !strings.HasPrefix(m.Type, "m5.") || m.Type == "m5.large" {
		t.Fatalf("wildcards: %s %v", m.Type, err)
	}
	if _, err := (Requirements{Manufacturer: "via"}).Filter(); err == nil {
		t.Fatal("unknown manufacturer accepted")
	}
}

func TestLaunches(t *testing.T) {
	for _, tt := range []struct{ waiting, launching, live, per, max, want int }{
		{0, 0, 0, 2, 4, 0}, {1, 0, 0, 2, 4, 1}, {3, 0, 0, 2, 4, 2}, {3, 1, 1, 2, 4, 1}, {2, 1, 1, 2, 4, 0},
		{9, 0, 2, 2, 4, 2}, {5, 0, 4, 2, 4, 0}, {1, 0, 0, 0, 4, 0},
	} {
		if got := Launches(tt.waiting, tt.launching, tt.live, tt.per, tt.max); got != tt.want {
			t.Errorf("Launches%v = %d, want %d", tt, got, tt.want)
		}
	}
}

// TestProvisionsAndRetires: from zero instances the waiting tasks get a cheap instance
// launched at once (several tasks per instance), billed with the management fee; an
// instance left empty is terminated after scale_in_after.
func TestProvisionsAndRetires(t *testing.T) {
	cfg := Config{Requirements: Requirements{VCPU: "4", MemoryGiB: "8-16"}}
	cfg.Desired, cfg.Min, cfg.Max, cfg.DisableScaling, cfg.ImageSizeMB = 3, 0, 4, true, 12
	clock, drv := clocktest.New(t0), fleettest.NewDriver()
	p, err := New(cfg, ecs.Env{World: fleet.World{Clock: clock, Driver: drv}, NoFrontDoor: true}, catalog(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Start(context.Background()) }()
	step := func(d time.Duration) {
		for i := 0; i < int(d/time.Second); i++ {
			clock.Advance(time.Second)
			fleettest.Eventually(t, "app starts", func() bool {
				for _, ti := range p.Service().Tasks() {
					if ti.State == ecs.Activating && ti.Addr == "" {
						return false
					}
				}
				return true
			})
		}
	}
	fleettest.Eventually(t, "tasks", func() bool { return len(p.Service().Tasks()) == 3 })
	step(75 * time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	recs := p.Usage().Instances
	if len(recs) != 1 || !recs[0].ManagedFee {
		t.Fatalf("3 tasks of 1 vCPU on one 4-vCPU instance: %+v", recs)
	}
	fleettest.CheckEvents(t, p.Events(), "instance_type", "task_provisioning", "capacity_scale", "launch", "instance_registered", "task_running")
	p.Service().SetDesired(5) // two more do not fit (4 vCPU): a second instance
	step(75 * time.Second)
	if st := p.Status(); st.InService != 5 || len(p.Usage().Instances) != 2 {
		t.Fatalf("scale-out: %+v, %d instances", st, len(p.Usage().Instances))
	}
	p.Service().SetDesired(3) // the newest tasks go: mi-2 empties
	step(6 * time.Minute)
	recs = p.Usage().Instances
	if recs[1].EndedAt.IsZero() || !recs[0].EndedAt.IsZero() {
		t.Fatalf("idle instance not retired after 5 min: %+v\n%v", recs, p.Events())
	}
}

func TestConfig(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", ""},
		{"requirements: {vcpu: 2-4, memory_gib: 4-16GiB, manufacturer: amd}\n", ""},
		{"requirements: {vcpu: 4-2}\n", "ecs-mi.requirements.vcpu"},
		{"requirements: {manufacturer: via}\n", "ecs-mi.requirements"},
		{"purchase: reserved\n", "ecs-mi.purchase"},
		{"placement: random\n", "ecs-mi.placement"},
		{"scale_in_after: 2h\n", "ecs-mi.scale_in_after"},
		{"requirement: {}\n", "requirement"},
	}
	for _, tt := range tests {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(tt.src), &n); err != nil {
			t.Fatal(err)
		}
		var node *yaml.Node
		if len(n.Content) > 0 {
			node = n.Content[0]
		}
		_, err := DecodeConfig(node, 1)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%q: %v, want %q", tt.src, err, tt.want)
		}
	}
	if _, err := New(Config{}, ecs.Env{World: fleet.World{Driver: fleettest.NewDriver()}}, nil); err == nil || !strings.Contains(err.Error(), "catalog") {
		t.Fatalf("nil catalog: %v", err)
	}
	if _, err := New(Config{InstanceType: "m5.larg"}, ecs.Env{World: fleet.World{Driver: fleettest.NewDriver()}}, catalog(t)); err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Fatalf("typo: %v", err)
	}
}

// FuzzDecodeConfig: no input panics, and what decodes validates.
func FuzzDecodeConfig(f *testing.F) {
	for _, s := range []string{"requirements: {vcpu: 2-4, memory_gib: 4-16GiB, manufacturer: amd}\n", "purchase: spot\n",
		"scale_in_after: -1s\n", "requirements: {allowed_types: ['m5.*'], excluded_types: ['[']}\n", "{}"} {
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

// TestProvisionCountsFreePlaces: a task still waiting just after its instance became
// ACTIVE (the service places it a moment later) does not launch another instance: the
// active instance's free place covers it, as a launching instance's would. A live run
// met this window and billed an idle instance for it.
func TestProvisionCountsFreePlaces(t *testing.T) {
	clock := clocktest.New(t0)
	log := ecs.NewLog(clock, nil)
	cl, err := cluster.New(cluster.Options{Clock: clock, Log: log, Prefix: "mi", InstanceType: "m7a.medium",
		VCPU: 1, MemoryMiB: 4096, LaunchDelay: 2 * time.Second, TaskVCPU: 1, TaskMemoryMiB: 2048, Strategy: ecs.Binpack})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	pv := &provisioner{clock: clock, cluster: cl, log: log, max: 3, scaleInAfter: -1, every: time.Second}
	cl.SetWaiting(1)
	pv.provision() // nothing to place on: one launch
	clock.Advance(2 * time.Second)
	if pending, active, _ := cl.Counts(); pending != 0 || active != 1 {
		t.Fatalf("after the launch delay: %d pending, %d active", pending, active)
	}
	pv.provision() // the task still waits, the active instance has room for it
	if n := len(cl.Instances()); n != 1 {
		t.Errorf("%d instances launched, want 1 (the active one's free place covers the waiting task)", n)
	}
}
