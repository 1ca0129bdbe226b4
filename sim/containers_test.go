package sim

import (
	"testing"

	"github.com/deploybench/deploybench/results"
)

// TestSimulateContainerPlatforms: ECS on EC2, Fargate and ECS Managed Instances run
// their live service scheduler on the virtual clock, scale out under the ramp through
// service auto scaling, serve every request through the target group and are billed by
// their own rules (instances, tasks, or instances plus the management fee).
func TestSimulateContainerPlatforms(t *testing.T) {
	s, raw := readScenario(t, "containers.yaml")
	run, dir := simulate(t, s, raw, Options{})
	if len(run.Platforms) != 3 {
		t.Fatalf("%d platforms", len(run.Platforms))
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range l.Run.Platforms {
		if p.Status != "ok" || p.Requests < 2000 || p.Errors != 0 || p.LatencyMs.P50 <= 0 || p.RunCost <= 0 {
			t.Errorf("%s: %+v", p.Name, p)
		}
		if p.PeakCapacity < 2 || p.ScaleOutSeconds <= 0 {
			t.Errorf("%s did not scale out: peak %d, scale-out %v s", p.Name, p.PeakCapacity, p.ScaleOutSeconds)
		}
		kinds := map[string]bool{}
		for _, ev := range l.Events[p.Name] {
			kinds[ev.Kind] = true
		}
		for _, k := range []string{"task_placed", "task_running", "registered"} {
			if !kinds[k] {
				t.Errorf("%s: no %s event", p.Name, k)
			}
		}
	}
}
