package queue

import (
	"math"
	"strings"
	"testing"
)

func testPolicy() BacklogPolicy {
	return BacklogPolicy{TargetPerTask: 10, Min: 0, Max: 4, ScaleOutDatapoints: 3, ScaleInDatapoints: 15, ScaleInRatio: 0.9}
}

// TestBacklogPerTask: the metric, with +Inf for jobs without a task.
func TestBacklogPerTask(t *testing.T) {
	for _, c := range []struct {
		backlog, running int
		want             float64
	}{{0, 0, 0}, {5, 0, math.Inf(1)}, {20, 2, 10}, {0, 3, 0}, {7, 2, 3.5}} {
		if got := BacklogPerTask(c.backlog, c.running); got != c.want {
			t.Errorf("BacklogPerTask(%d, %d) = %v, want %v", c.backlog, c.running, got, c.want)
		}
	}
}

// TestDecide drives the policy through datapoint sequences.
func TestDecide(t *testing.T) {
	type dp struct{ backlog, running int }
	rep := func(n int, d dp) []dp {
		out := make([]dp, n)
		for i := range out {
			out[i] = d
		}
		return out
	}
	cases := []struct {
		name    string
		desired int
		points  []dp
		want    []int // desired after each datapoint
	}{
		{"idle stays at zero", 0, rep(20, dp{0, 0}), make([]int, 20)},
		{"scale from zero after 3 datapoints", 0, rep(3, dp{200, 0}), []int{0, 0, 4}},
		{"scale out proportionally, clamped", 1, rep(3, dp{25, 1}), []int{1, 1, 3}},
		{"a dip resets the scale-out run", 0, []dp{{5, 0}, {5, 0}, {0, 0}, {5, 0}, {5, 0}, {5, 0}}, []int{0, 0, 0, 0, 0, 1}},
		{"at target: nothing", 2, rep(16, dp{20, 2}), rep16(2)},
		{"scale to zero after 15 empty datapoints", 3, rep(15, dp{0, 3}), append(rep14(3), 0)},
		{"scale in keeps enough for the backlog", 4, rep(15, dp{12, 4}), append(rep14(4), 2)},
		{"desired above max is clamped", 6, []dp{{0, 6}}, []int{4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, st, desired := testPolicy(), PolicyState{}, c.desired
			for i, d := range c.points {
				desired, st, _ = p.Decide(st, d.backlog, d.running, desired)
				if desired != c.want[i] {
					t.Fatalf("after datapoint %d %+v: desired %d, want %d", i, d, desired, c.want[i])
				}
			}
		})
	}
}

func rep16(v int) []int { return fill(16, v) }
func rep14(v int) []int { return fill(14, v) }
func fill(n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// TestPolicyValidate names the bad field.
func TestPolicyValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(*BacklogPolicy)
	}{
		{"target", func(p *BacklogPolicy) { p.TargetPerTask = 0 }},
		{"tasks", func(p *BacklogPolicy) { p.Min = 3; p.Max = 2 }},
		{"tasks", func(p *BacklogPolicy) { p.Max = 0 }},
		{"datapoints", func(p *BacklogPolicy) { p.ScaleInDatapoints = 0 }},
		{"scale-in ratio", func(p *BacklogPolicy) { p.ScaleInRatio = 1.5 }},
	} {
		p := testPolicy()
		c.mod(&p)
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: error %v", c.name, err)
		}
	}
	if err := testPolicy().Validate(); err != nil {
		t.Error(err)
	}
}

// BenchmarkDecide: the policy runs on every datapoint of every simulated service.
func BenchmarkDecide(b *testing.B) {
	p, st, d := testPolicy(), PolicyState{}, 0
	for i := 0; b.Loop(); i++ {
		d, st, _ = p.Decide(st, i%300, d, d)
	}
}
