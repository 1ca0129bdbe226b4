package runner

import (
	"testing"

	"github.com/deploybench/deploybench/platform/lambda"
)

// TestWarmInvocations: the report's warm count is what the cold starts did not serve.
func TestWarmInvocations(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    lambda.Meter
		want int64
	}{
		{"nothing yet", lambda.Meter{}, 0},
		{"all cold", lambda.Meter{Invocations: 5, ColdStarts: 5}, 0},
		{"cold then warm", lambda.Meter{Invocations: 400, ColdStarts: 8}, 392},
		{"provisioned are warm", lambda.Meter{Invocations: 10, ProvisionedInvocations: 20, ColdStarts: 2}, 28},
		{"a cold start still in INIT", lambda.Meter{Invocations: 0, ColdStarts: 1}, 0},
	} {
		if got := warmInvocations(tc.m); got != tc.want {
			t.Errorf("%s: warmInvocations = %d, want %d", tc.name, got, tc.want)
		}
	}
}
