package sim

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/asg"
	"github.com/deploybench/deploybench/platform/fargate"
	"github.com/deploybench/deploybench/platform/lambda"
	"github.com/deploybench/deploybench/scenario"
	"github.com/deploybench/deploybench/sim/calibration"
)

// awsScenario has one platform of each kind ApplyAWSTimes changes, plus one that sets
// its own launch delay and must keep it.
const awsScenario = `
name: awscal
app:
  builtin: svm
load:
  executor: constant-arrival-rate
  rate: 5
  duration: 10s
platforms:
  - name: asg
    kind: asg
    settings:
      instance_type: t3.small
  - name: own
    kind: ec2
    settings:
      instance_type: t3.small
      pending_delay: 5s
  - name: fargate
    kind: fargate
    settings:
      image_size_mb: 250
  - name: lambda
    kind: lambda
`

func TestApplyAWSTimes(t *testing.T) {
	s, err := scenario.Parse([]byte(awsScenario))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calibration.Builtin("svm")
	if err != nil {
		t.Fatal(err)
	}
	cal.AWS = &calibration.AWSTimes{EC2LaunchMs: 50000, EC2LaunchSamples: 2, TaskStartMs: 45000, TaskStartSamples: 2,
		ColdStartMs: cal.StartupMs + 300, ColdStartSamples: 4}
	notes, err := ApplyAWSTimes(s, cal)
	if err != nil {
		t.Fatal(err)
	}
	// 45 s measured, less 20 s provisioning and the app's start-up, for a 250 MB image.
	wantMBps := 250 / (25 - cal.StartupMs/1000)
	mbps := strconv.FormatFloat(wantMBps, 'f', 2, 64)
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"asg: pending_delay 50s", "boot_delay stays 4s", "fargate: pull_throughput_mbps " + mbps, "lambda: platform_init 300ms"} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes lack %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "own:") {
		t.Errorf("a platform's own pending_delay was overridden:\n%s", joined)
	}
	// The settings decode into the platforms' configs as if the user had written them.
	var ac asg.Config
	if err := scenario.DecodeStrict(&s.Platforms[0].Settings, &ac); err != nil {
		t.Fatal(err)
	}
	if ac.PendingDelay != 50*time.Second || ac.BootDelay != 0 {
		t.Errorf("asg delays %v + %v, want 50s and the default boot", ac.PendingDelay, ac.BootDelay)
	}
	var lc lambda.Config
	if err := scenario.DecodeStrict(&s.Platforms[3].Settings, &lc); err != nil {
		t.Fatal(err)
	}
	if lc.PlatformInit == nil || *lc.PlatformInit != 300*time.Millisecond {
		t.Errorf("lambda platform_init = %v, want 300ms", lc.PlatformInit)
	}
	fc, err := fargate.DecodeConfig(&s.Platforms[2].Settings, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := strconv.FormatFloat(fc.PullThroughputMBps, 'f', 2, 64); got != mbps || fc.ImageSizeMB != 250 {
		t.Errorf("fargate pull %s MB/s of %g MB, want %s of 250", got, fc.ImageSizeMB, mbps)
	}
}

func TestApplyAWSTimesEdges(t *testing.T) {
	s, err := scenario.Parse([]byte(awsScenario))
	if err != nil {
		t.Fatal(err)
	}
	if notes, err := ApplyAWSTimes(s, nil); err != nil || notes != nil {
		t.Fatalf("nil calibration: %v %v", notes, err)
	}
	cal, _ := calibration.Builtin("svm")
	cal.AWS = &calibration.AWSTimes{TaskStartMs: 15000, TaskStartSamples: 1}
	notes, err := ApplyAWSTimes(s, cal)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "within the provisioning delay") {
		t.Errorf("notes = %q", notes)
	}
}
