package calibration

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestAWSTimesValidate(t *testing.T) {
	tests := []struct {
		name string
		t    AWSTimes
		want string
	}{
		{"ok", AWSTimes{EC2LaunchMs: 30000, EC2LaunchSamples: 3, ColdStartMs: 800, ColdStartSamples: 1}, ""},
		{"nothing", AWSTimes{}, ""},
		{"negative", AWSTimes{TaskStartMs: -1, TaskStartSamples: 1}, "aws.task_start_ms"},
		{"nan", AWSTimes{ColdStartMs: math.NaN(), ColdStartSamples: 1}, "aws.cold_start_ms"},
		{"no samples", AWSTimes{EC2LaunchMs: 100}, "sample count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.t.Validate()
			if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestParseWithAWS checks that a calibration file carries its AWS section through and
// that a bad one is refused by Parse with the field named.
func TestParseWithAWS(t *testing.T) {
	c, err := Builtin("svm")
	if err != nil {
		t.Fatal(err)
	}
	c.AWS = &AWSTimes{From: "aws run of demo", TaskStartMs: 43000, TaskStartSamples: 2}
	b, _ := json.Marshal(c)
	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.AWS == nil || back.AWS.TaskStartMs != 43000 || back.AWS.Empty() {
		t.Fatalf("AWS section lost: %+v", back.AWS)
	}
	c.AWS.TaskStartSamples = 0
	b, _ = json.Marshal(c)
	if _, err := Parse(b); err == nil || !strings.Contains(err.Error(), "aws.task_start_ms") {
		t.Fatalf("Parse = %v, want the aws field named", err)
	}
	var nilTimes *AWSTimes
	if !nilTimes.Empty() {
		t.Error("nil AWSTimes is not empty")
	}
}
