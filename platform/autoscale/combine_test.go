package autoscale

import (
	"testing"
	"time"
)

func TestASGCombiner(t *testing.T) {
	tests := []struct {
		name string
		ds   []Decision
		want int
	}{
		{"nothing", []Decision{{Desired: 4}, {Desired: 4}}, -1},
		{"largest scale-out wins", []Decision{{Desired: 5}, {Desired: 7}, {Desired: 3}}, 1},
		{"scale-out beats scale-in", []Decision{{Desired: 2}, {Desired: 5}}, 1},
		{"scale-in to the largest capacity", []Decision{{Desired: 2}, {Desired: 3}}, 1},
		{"target tracking veto blocks scale-in", []Decision{{Desired: 2}, {Desired: 4, VetoScaleIn: true}}, -1},
		{"veto does not block scale-out", []Decision{{Desired: 6}, {Desired: 4, VetoScaleIn: true}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (ASGCombiner{}).Choose(epoch, 4, tt.ds); got != tt.want {
				t.Errorf("Choose = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestServiceCombiner(t *testing.T) {
	c := NewServiceCombiner(AWSDefaults(), 1)
	at := func(s int) time.Time { return epoch.Add(time.Duration(s) * time.Second) }
	steps := []struct {
		name    string
		at      int
		current int
		ds      []Decision
		want    int
	}{
		{"any policy scales out", 0, 2, []Decision{{Desired: 2}, {Desired: 4}}, 1},
		{"same scale-out in cooldown ignored", 60, 4, []Decision{{Desired: 4}, {Desired: 4}}, -1},
		{"smaller scale-out in cooldown ignored", 120, 3, []Decision{{Desired: 4}}, -1},
		{"larger scale-out in cooldown applied", 180, 4, []Decision{{Desired: 6}}, 0},
		{"scale-in needs all policies", 900, 6, []Decision{{Desired: 4}, {Desired: 6}}, -1},
		{"all agree: largest capacity", 960, 6, []Decision{{Desired: 4}, {Desired: 5}}, 1},
		{"scale-in cooldown", 1000, 5, []Decision{{Desired: 3}, {Desired: 3}}, -1},
		{"scale-out during scale-in cooldown", 1010, 5, []Decision{{Desired: 7}, {Desired: 3}}, 0},
		{"after cooldown", 960 + 300 + 300, 7, []Decision{{Desired: 6}, {Desired: 5}}, 0},
	}
	for _, s := range steps {
		got := c.Choose(at(s.at), s.current, s.ds)
		if got != s.want {
			t.Fatalf("%s: Choose = %d, want %d", s.name, got, s.want)
		}
		if got >= 0 {
			c.Applied(at(s.at), s.current, s.ds[got].Desired)
		}
	}
	if (&ServiceCombiner{}).Choose(epoch, 1, nil) != -1 {
		t.Error("no decisions must not act")
	}
}
