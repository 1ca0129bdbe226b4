package sim

import (
	"fmt"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fargate"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/scenario"
	"github.com/deploybench/deploybench/sim/calibration"
)

// ApplyAWSTimes puts the start-up times a calibration measured on real AWS (see
// calibration.AWSTimes) into the scenario's platforms, where the scenario does not set
// the delay itself — a scenario's own value always wins. It returns one note per change
// so that the run says what it used:
//
//   - ec2, asg, ecs-ec2: EC2 launch → running becomes pending_delay (the OS boot,
//     boot_delay, is not in what CloudFormation measures and keeps its default);
//   - fargate: the service's create → stable less the provisioning delay and the app's
//     start-up is taken as the image pull, which sets pull_throughput_mbps for the
//     platform's image size — a lower bound of the throughput, since the measured time
//     also holds the first health checks;
//   - lambda: the INIT duration less the app's own start-up (the calibration's
//     startup_ms) becomes platform_init, so that a simulated cold start (platform init,
//     then the app's start-up) lasts the INIT measured on AWS. The billed INIT stays the
//     app's start-up: the whole measured INIT is billed on AWS, so Lambda's simulated
//     bill is low by the difference per cold start.
func ApplyAWSTimes(s *scenario.Scenario, cal *calibration.Calibration) ([]string, error) {
	if cal == nil || cal.AWS.Empty() {
		return nil, nil
	}
	t := cal.AWS
	var notes []string
	for i := range s.Platforms {
		sp := &s.Platforms[i]
		set := func(key, value, why string) {
			setSetting(&sp.Settings, key, value)
			notes = append(notes, fmt.Sprintf("%s: %s %s (%s)", sp.Name, key, value, why))
		}
		switch sp.Kind {
		case "ec2", "asg", "ecs-ec2":
			if t.EC2LaunchMs <= 0 || hasSetting(&sp.Settings, "pending_delay") {
				continue
			}
			pending := msDur(t.EC2LaunchMs).Round(time.Millisecond)
			set("pending_delay", pending.String(), fmt.Sprintf("EC2 launch → running measured on AWS; boot_delay stays %s", bootDelay(&sp.Settings)))
		case "fargate":
			if t.TaskStartMs <= 0 || hasSetting(&sp.Settings, "pull_throughput_mbps") {
				continue
			}
			var own struct {
				ImageSizeMB       float64       `yaml:"image_size_mb"`
				ProvisioningDelay time.Duration `yaml:"provisioning_delay"`
			}
			if sp.Settings.Kind != 0 {
				if err := sp.Settings.Decode(&own); err != nil {
					return nil, fmt.Errorf("scenario: platforms[%d].settings: %v", i, err)
				}
			}
			if own.ImageSizeMB <= 0 {
				own.ImageSizeMB = ecs.DefaultImageSizeMB
			}
			if own.ProvisioningDelay <= 0 {
				own.ProvisioningDelay = fargate.DefaultProvisioningDelay
			}
			pull := msDur(t.TaskStartMs) - own.ProvisioningDelay - cal.StartupTime()
			if pull < time.Second {
				notes = append(notes, fmt.Sprintf("%s: task start measured on AWS (%s) is within the provisioning delay (%s) and the app's start-up; pull unchanged",
					sp.Name, msDur(t.TaskStartMs), own.ProvisioningDelay))
				continue
			}
			mbps := own.ImageSizeMB / pull.Seconds()
			set("pull_throughput_mbps", strconv.FormatFloat(mbps, 'f', 2, 64),
				fmt.Sprintf("a %g MB pull in %s of the task start measured on AWS", own.ImageSizeMB, pull.Round(100*time.Millisecond)))
		case "lambda":
			if t.ColdStartMs <= 0 || hasSetting(&sp.Settings, "platform_init") {
				continue
			}
			initDelay := max(msDur(t.ColdStartMs)-cal.StartupTime(), 0).Round(time.Millisecond)
			set("platform_init", initDelay.String(), "Lambda INIT measured on AWS less the app's start-up")
		}
	}
	return notes, nil
}

// msDur converts milliseconds to a duration.
func msDur(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// bootDelay is the boot_delay a platform's settings give, or the default.
func bootDelay(n *yaml.Node) time.Duration {
	var own struct {
		BootDelay time.Duration `yaml:"boot_delay"`
	}
	if n.Kind != 0 {
		_ = n.Decode(&own)
	}
	if own.BootDelay <= 0 {
		return fleet.DefaultBootDelay
	}
	return own.BootDelay
}

// hasSetting reports whether a platform's settings mapping has key.
func hasSetting(n *yaml.Node, key string) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// setSetting adds key: value to a platform's settings, making the mapping if empty.
func setSetting(n *yaml.Node, key, value string) {
	if n.Kind != yaml.MappingNode {
		*n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	n.Content = append(n.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Value: value})
}
