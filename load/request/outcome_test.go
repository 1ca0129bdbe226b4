package request

import "testing"

func TestClassifyStatuses(t *testing.T) {
	for status, want := range map[int]Outcome{200: Status2xx, 204: Status2xx, 302: Status3xx, 404: Status4xx, 429: Status429,
		500: Status5xx, 502: Status502, 503: Status503, 504: Status504, 599: Status5xx, 101: OtherError, 700: OtherError} {
		if got := Classify(status, nil); got != want {
			t.Errorf("Classify(%d) = %v, want %v", status, got, want)
		}
	}
	if Status2xx.IsError() || Status3xx.IsError() || !Status4xx.IsError() || !Timeout.IsError() {
		t.Error("IsError: only 2xx and 3xx are successes")
	}
}
