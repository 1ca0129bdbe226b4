package sim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/sim/calibration"
)

// TestALBProcessedBytes: every request through a simulated load balancer carries the
// calibration's bytes, so the ALB's processed-bytes LCUs are metered and billed as live
// (they were zero, a few per cent of a small ECS bill).
func TestALBProcessedBytes(t *testing.T) {
	s, raw := readScenario(t, "asg.yaml")
	s.Platforms = s.Platforms[1:2] // the ASG, behind an ALB
	cal, err := calibration.Builtin("svm")
	if err != nil {
		t.Fatal(err)
	}
	if !(cal.BytesPerRequest > 0) {
		t.Fatalf("built-in calibration has no bytes_per_request")
	}
	run, dir := simulate(t, s, raw, Options{Calibration: cal})
	u := readUsage(t, dir, s.Platforms[0].Name)
	p := run.Platforms[0]
	want := int64(cal.BytesPerRequest) * (p.Requests - p.Errors)
	if u.LBProcessedBytes < want || !(u.LBLCUHours > 0) {
		t.Errorf("processed %d bytes (want ≥ %d), %v LCU-hours (want > 0)", u.LBProcessedBytes, want, u.LBLCUHours)
	}
}

// readUsage reads the usage.json a simulation wrote for platform name.
func readUsage(t *testing.T, dir, name string) platform.Usage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name, "usage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var u platform.Usage
	if err := json.Unmarshal(b, &u); err != nil {
		t.Fatal(err)
	}
	return u
}
