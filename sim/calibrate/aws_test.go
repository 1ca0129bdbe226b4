package calibrate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/sim/calibration"
)

func TestFromAWS(t *testing.T) {
	tests := []struct {
		dir                string
		ec2, task, cold    float64
		nEC2, nTask, nCold int
		notes              int
		fromHas            string
	}{
		{"aws-events", 30000, 43000, 812, 3, 2, 3, 0, "aws run of demo in us-east-1, 2026-01-03T03:04:05Z"},
		{"aws-cloudwatch", 0, 0, 800, 0, 0, 3, 2, "Lambda Insights"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			got, notes, err := FromAWS(filepath.Join("testdata", tt.dir))
			if err != nil {
				t.Fatal(err)
			}
			if got.EC2LaunchMs != tt.ec2 || got.TaskStartMs != tt.task || got.ColdStartMs != tt.cold ||
				got.EC2LaunchSamples != tt.nEC2 || got.TaskStartSamples != tt.nTask || got.ColdStartSamples != tt.nCold {
				t.Errorf("FromAWS = %+v", got)
			}
			if len(notes) != tt.notes {
				t.Errorf("notes = %q, want %d", notes, tt.notes)
			}
			if !strings.Contains(got.From, tt.fromHas) {
				t.Errorf("From = %q, want it to contain %q", got.From, tt.fromHas)
			}
		})
	}
}

func TestFromAWSRefuses(t *testing.T) {
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "run.json"), []byte(`{"format_version":1,"scenario":"x","mode":"live","source":"aws","started":"2026-01-01T00:00:00Z","platforms":[{"name":"ec2","kind":"ec2","status":"ok"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "run.json"), []byte(`{"format_version":1,"scenario":"x","mode":"live","source":"aws","started":"2026-01-01T00:00:00Z","platforms":[{"name":"ec2","kind":"ec2","status":"ok"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.MkdirAll(filepath.Join(bad, "ec2"), 0o755)
	if err := os.WriteFile(filepath.Join(bad, "ec2", "events.jsonl"), []byte(`{"t":"2026-01-01T00:00:00Z","kind":"boot_done","detail":"launch→boot soon"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, dir, want string }{
		{"local run", filepath.Join("testdata", "local"), "is not from 'deploybench aws run'"},
		{"nothing measured", empty, "holds no start-up time"},
		{"bad event", bad, "does not end with a duration"},
		{"not a results dir", t.TempDir(), "no run.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := FromAWS(tt.dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestWithAWSKeepsBase(t *testing.T) {
	base, err := calibration.Builtin("svm")
	if err != nil {
		t.Fatal(err)
	}
	times := &calibration.AWSTimes{From: "x", ColdStartMs: 800, ColdStartSamples: 2}
	c := WithAWS(base, times)
	if c.AWS != times || base.AWS != nil || c.StartupMs != base.StartupMs {
		t.Fatalf("WithAWS changed the base or lost the times: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestEventDuration(t *testing.T) {
	for _, tt := range []struct {
		detail string
		want   time.Duration
		ok     bool
	}{
		{"launch→boot 25.3s", 25300 * time.Millisecond, true},
		{"init 812ms", 812 * time.Millisecond, true},
		{"PROVISIONING→RUNNING 1m2s", 62 * time.Second, true},
		{"", 0, false}, {"init fast", 0, false}, {"init -3s", 0, false},
	} {
		d, err := eventDuration(platform.Event{Kind: "k", Detail: tt.detail})
		if (err == nil) != tt.ok || d != tt.want {
			t.Errorf("eventDuration(%q) = %v, %v", tt.detail, d, err)
		}
	}
}

func FuzzParseLambdaInit(f *testing.F) {
	b, _ := os.ReadFile(filepath.Join("testdata", "aws-cloudwatch", "lambda", "cloudwatch.json"))
	f.Add(b)
	f.Add([]byte(`{"series":[{"namespace":"LambdaInsights","metric":"init_duration","values":[1e309,-1,3]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		vals, err := parseLambdaInit(b)
		if err != nil {
			return
		}
		for _, v := range vals {
			if !(v > 0) || v > 1.7e308 {
				t.Fatalf("kept %v", v)
			}
		}
	})
}

func FuzzEventDuration(f *testing.F) {
	f.Add("launch→boot 25.3s")
	f.Add("init 812ms")
	f.Add("")
	f.Fuzz(func(t *testing.T, detail string) {
		d, err := eventDuration(platform.Event{Kind: "k", Detail: detail})
		if err == nil && d < 0 {
			t.Fatalf("eventDuration(%q) = %v", detail, d)
		}
	})
}
