package runner

import (
	"strings"
	"testing"
)

func TestCheckCapacity(t *testing.T) {
	tests := []struct {
		name     string
		vcpu     map[string]float64
		fraction float64
		cores    float64
		want     string
	}{
		{"fits", map[string]float64{"ec2": 4, "asg": 6}, 0.25, 2, ""},
		{"exactly", map[string]float64{"asg": 6}, 0.25, 2, ""},
		{"too big", map[string]float64{"asg": 12, "ec2": 2}, 0.25, 2, `platform "asg" can run 12`},
		{"suggests", map[string]float64{"asg": 12}, 0.25, 2, "lower vcpu_fraction to 0.125"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCapacity(tt.vcpu, nil, tt.fraction, tt.cores)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
