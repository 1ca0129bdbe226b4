package calibrate

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/sim/calibration"
)

// The event kinds FromAWS reads. They are the platforms' own event vocabulary (live runs
// write the same), so an AWS run that records its instances', tasks' and environments'
// lifecycle in events.jsonl is read like any other results directory.
const (
	eventBootDone    = "boot_done"         // detail "… 25.3s": an AWS run's launch → running
	eventTaskRunning = "task_running"      // detail "… 41s": an AWS run's service create → stable
	eventColdStart   = "cold_start"        // detail "init 812ms"
	eventProvReady   = "provisioned_ready" // detail "init 812ms" (provisioned concurrency)
)

// lambdaInitSeries is the CloudWatch series of Lambda's INIT duration (Lambda Insights,
// milliseconds), which `aws run` reads into each platform's cloudwatch.json.
const (
	lambdaInitNamespace = "LambdaInsights"
	lambdaInitMetric    = "init_duration"
)

// cloudWatchFile is the part of a platform's cloudwatch.json FromAWS reads.
type cloudWatchFile struct {
	Series []struct {
		Namespace string    `json:"namespace"`
		Metric    string    `json:"metric"`
		Values    []float64 `json:"values"`
	} `json:"series"`
}

// FromAWS reads the results directory of `deploybench aws run` and returns the start-up
// times measured there: EC2 launch → running from boot_done events, an ECS service's
// create → stable from task_running events (both timed by CloudFormation), Lambda INIT from cold_start events or, when the run recorded none,
// from the Lambda Insights init_duration datapoints of cloudwatch.json. Notes say what
// was not found and why, so a user knows which defaults stay in force.
func FromAWS(dir string) (*calibration.AWSTimes, []string, error) {
	l, err := results.Read(dir)
	if err != nil {
		return nil, nil, err
	}
	if l.Run.Source != results.SourceAWS {
		return nil, nil, fmt.Errorf("calibrate: %s is not from 'deploybench aws run' (run.json source %q, want %q): --from takes an AWS results directory", dir, l.Run.Source, results.SourceAWS)
	}
	var ec2, tasks, cold, coldCW []float64
	for _, p := range l.Run.Platforms {
		for _, e := range l.Events[p.Name] {
			var dst *[]float64
			switch e.Kind {
			case eventBootDone:
				dst = &ec2
			case eventTaskRunning:
				dst = &tasks
			case eventColdStart, eventProvReady:
				dst = &cold
			default:
				continue
			}
			d, err := eventDuration(e)
			if err != nil {
				return nil, nil, fmt.Errorf("calibrate: %s: %w", filepath.Join(dir, results.PlatformDirName(p.Name), "events.jsonl"), err)
			}
			*dst = append(*dst, float64(d)/float64(time.Millisecond))
		}
		vals, err := readLambdaInit(filepath.Join(dir, results.PlatformDirName(p.Name), "cloudwatch.json"))
		if err != nil {
			return nil, nil, err
		}
		coldCW = append(coldCW, vals...)
	}
	t := &calibration.AWSTimes{From: fmt.Sprintf("aws run of %s in %s, %s", l.Run.Scenario, orUnknown(l.Run.Assumptions.Region), l.Run.Started.UTC().Format(time.RFC3339))}
	var notes []string
	if len(ec2) > 0 {
		t.EC2LaunchMs, t.EC2LaunchSamples = median(ec2), len(ec2)
	} else {
		notes = append(notes, "no EC2 launch measured (no boot_done events): EC2 launch delays keep their defaults")
	}
	if len(tasks) > 0 {
		t.TaskStartMs, t.TaskStartSamples = median(tasks), len(tasks)
	} else {
		notes = append(notes, "no ECS task start measured (no task_running events): image pull keeps its default")
	}
	switch {
	case len(cold) > 0:
		t.ColdStartMs, t.ColdStartSamples = median(cold), len(cold)
	case len(coldCW) > 0:
		t.ColdStartMs, t.ColdStartSamples = median(coldCW), len(coldCW)
		t.From += " (cold start from Lambda Insights init_duration per-minute averages)"
	default:
		notes = append(notes, "no Lambda cold start measured (no cold_start events, no Lambda Insights init_duration data): Lambda's platform init keeps its default")
	}
	if t.Empty() {
		return nil, notes, errors.New("calibrate: " + dir + " holds no start-up time to calibrate from (" + strings.Join(notes, "; ") + ")")
	}
	return t, notes, t.Validate()
}

// eventDuration reads the duration an event's detail ends with ("launch→boot 25.3s").
func eventDuration(e platform.Event) (time.Duration, error) {
	f := strings.Fields(e.Detail)
	if len(f) == 0 {
		return 0, fmt.Errorf("%s event at %s has no duration in its detail", e.Kind, e.At.Format(time.RFC3339))
	}
	d, err := time.ParseDuration(f[len(f)-1])
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s event at %s: %q does not end with a duration ≥ 0 (e.g. 25.3s)", e.Kind, e.At.Format(time.RFC3339), e.Detail)
	}
	return d, nil
}

// readLambdaInit returns the positive Lambda Insights init_duration datapoints of a
// cloudwatch.json; a missing file is no data, a malformed one an error naming it.
func readLambdaInit(path string) ([]float64, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	vals, err := parseLambdaInit(b)
	if err != nil {
		return nil, fmt.Errorf("calibrate: %s: %v", path, err)
	}
	return vals, nil
}

// parseLambdaInit decodes cloudwatch.json and keeps the finite, positive init_duration
// values.
func parseLambdaInit(b []byte) ([]float64, error) {
	var cw cloudWatchFile
	if err := json.Unmarshal(b, &cw); err != nil {
		return nil, fmt.Errorf("not a cloudwatch.json: %v", err)
	}
	var out []float64
	for _, s := range cw.Series {
		if s.Namespace != lambdaInitNamespace || s.Metric != lambdaInitMetric {
			continue
		}
		for _, v := range s.Values {
			if v > 0 && !math.IsInf(v, 0) {
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// WithAWS returns a copy of base carrying times: the app's own measurements stay, the
// AWS start-up times are added beside them.
func WithAWS(base *calibration.Calibration, times *calibration.AWSTimes) *calibration.Calibration {
	c := *base
	c.AWS = times
	return &c
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown region"
	}
	return s
}
