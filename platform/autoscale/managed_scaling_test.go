package autoscale

import (
	"testing"
	"time"
)

func TestCapacityProviderReservation(t *testing.T) {
	for _, tt := range []struct {
		m, n int
		want float64
	}{{0, 0, 100}, {3, 0, 200}, {0, 4, 0}, {3, 4, 75}, {6, 4, 150}} {
		if got := CapacityProviderReservation(tt.m, tt.n); got != tt.want {
			t.Errorf("reservation(%d, %d) = %v, want %v", tt.m, tt.n, got, tt.want)
		}
	}
}

func TestManagedScalingDecide(t *testing.T) {
	def := ManagedScaling{}.WithDefaults(AWSDefaults(), 1)
	if def.TargetCapacity != 100 || def.MinStep != 1 || def.MaxStep != 10000 || def.InstanceWarmup != 300*time.Second {
		t.Fatalf("defaults = %+v", def)
	}
	spare := ManagedScaling{TargetCapacity: 80}.WithDefaults(AWSDefaults(), 1)
	stepped := ManagedScaling{MinStep: 2, MaxStep: 3}.WithDefaults(AWSDefaults(), 1)
	tests := []struct {
		name              string
		c                 ManagedScaling
		required, running int
		want              int
	}{
		{"from zero", def, 3, 0, 3},
		{"steady at 100 %", def, 4, 4, 4},
		{"scale out to the need", def, 6, 4, 6},
		{"target 80 % keeps spare", spare, 8, 8, 10},
		{"scale in", def, 2, 5, 2},
		{"empty cluster scales to zero", def, 0, 3, 0},
		{"min step", stepped, 5, 4, 6},
		{"max step", stepped, 10, 4, 7},
		{"max step scale-in", stepped, 0, 10, 7},
		{"scale-in not past the target", stepped, 4, 5, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Decide(tt.required, tt.running); got != tt.want {
				t.Errorf("Decide(%d, %d) = %d, want %d", tt.required, tt.running, got, tt.want)
			}
		})
	}
}

func TestManagedScalingValidate(t *testing.T) {
	ok := ManagedScaling{}.WithDefaults(AWSDefaults(), 1)
	tests := []struct {
		name  string
		mod   func(*ManagedScaling)
		field string
	}{
		{"valid", func(*ManagedScaling) {}, ""},
		{"target above 100", func(c *ManagedScaling) { c.TargetCapacity = 120 }, "TargetCapacity"},
		{"min step 0", func(c *ManagedScaling) { c.MinStep = 0 }, "MinStep"},
		{"max below min", func(c *ManagedScaling) { c.MinStep, c.MaxStep = 5, 2 }, "MaxStep"},
		{"negative warmup", func(c *ManagedScaling) { c.InstanceWarmup = -1 }, "InstanceWarmup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			checkFieldError(t, c.Validate(), tt.field)
		})
	}
}

func TestDefaultsScaled(t *testing.T) {
	d, err := AWSDefaults().Scaled(60)
	if err != nil {
		t.Fatal(err)
	}
	if d.SimpleCooldown != 5*time.Second || d.MetricPeriod != time.Second || d.ScaleInDatapoints != 15 || d.CapacityTargetPercent != 100 {
		t.Errorf("Scaled(60) = %+v", d)
	}
	for _, bad := range []float64{0, -1, 1e9} {
		if _, err := AWSDefaults().Scaled(bad); err == nil {
			t.Errorf("Scaled(%v) accepted", bad)
		}
	}
}
