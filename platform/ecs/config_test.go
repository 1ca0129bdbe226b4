package ecs

import (
	"strings"
	"testing"
	"time"
)

func TestServiceConfig(t *testing.T) {
	d := ServiceConfig{}.WithDefaults()
	if d.CPU != 1 || d.MemoryGB != 2 || d.Desired != 1 || d.Max != 4 || d.ScaleInCooldown != 300*time.Second ||
		d.Policies[0].Metric != MetricCPU || d.Policies[0].Target != 50 || d.SampleInterval != time.Second {
		t.Fatalf("defaults %+v", d)
	}
	if c := (ServiceConfig{CPU: 4}).WithDefaults(); c.MemoryGB != 8 {
		t.Fatalf("memory for 4 vCPU: %v", c.MemoryGB)
	}
	if c := (ServiceConfig{Timescale: 60, Monitoring: MonitoringHighResolution}).WithDefaults(); c.SampleInterval != time.Second/18 {
		t.Fatalf("sample interval at 10 s / 60: %v", c.SampleInterval)
	}
	tests := []struct {
		c    ServiceConfig
		want string
	}{
		{ServiceConfig{}, ""},
		{ServiceConfig{CPU: -1}, "svc.cpu"},
		{ServiceConfig{Min: 3, Max: 2}, "svc.max"},
		{ServiceConfig{Desired: 9}, "svc.desired"},
		{ServiceConfig{Monitoring: "basic"}, "svc.monitoring"},
		{ServiceConfig{Policies: []PolicyConfig{{Type: "step", Target: 1}}}, "svc.policies[0].type"},
		{ServiceConfig{Policies: []PolicyConfig{{Metric: "memory", Target: 1}}}, "svc.policies[0].metric"},
		{ServiceConfig{Policies: []PolicyConfig{{Target: 50, Period: 15 * time.Second}}}, "svc.policies[0].period"},
		{ServiceConfig{Policies: []PolicyConfig{{Metric: MetricRequestCountPerTarget}}}, "svc.policies[0].target"},
		{ServiceConfig{Timescale: -2}, "svc.timescale"},
		{ServiceConfig{PullThroughputMBps: -1}, "svc.pull_throughput_mbps"},
	}
	for _, tt := range tests {
		err := tt.c.Validate("svc")
		if (tt.want == "") != (err == nil) || (err != nil && !strings.HasPrefix(err.Error(), tt.want)) {
			t.Errorf("%+v: %v, want %q", tt.c, err, tt.want)
		}
	}
}
