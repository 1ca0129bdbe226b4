package result

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// sampleJSON is a complete result as the load generator writes it.
const sampleJSON = `{
  "executor": "ramping_rate", "target": "http://127.0.0.1:8080/predict", "started": "2026-01-02T03:04:05Z",
  "duration_s": 4, "elapsed_s": 4.2, "partial": false, "requests": 400, "errors": 150, "dropped": 1,
  "canceled": 0, "error_rate": 0.375, "rate_intended": 100.25, "rate_achieved": 100, "throughput": 62.5,
  "latency_basis": "intended_send_time",
  "latency_ms": {"min": 10, "p50": 35, "p90": 55, "p95": 57, "p99": 59, "p999": 900.1, "max": 900.1, "mean": 36.7},
  "service_latency_ms": {"min": 9, "p50": 34, "p90": 54, "p95": 56, "p99": 58, "p999": 899.1, "max": 899.1, "mean": 35.7},
  "send_delay_ms": {"min": 1, "p50": 1, "p90": 1, "p95": 1, "p99": 1, "p999": 1, "max": 1, "mean": 1},
  "outcomes": {"2xx": 250, "429": 50, "503": 50, "timeout": 50},
  "bytes": 40000, "max_in_flight": 7,
  "stages": [{"index": 0, "name": "10s 0→100/s", "start_s": 0, "duration_s": 2, "target": 100, "requests": 200,
    "errors": 75, "dropped": 0, "rate_intended": 100, "rate_achieved": 100,
    "latency_ms": {"min": 10, "p50": 35, "p90": 55, "p95": 57, "p99": 59, "p999": 900.1, "max": 900.1, "mean": 39}}],
  "windows": [{"t": 0, "length_s": 1, "requests": 100, "errors": 37, "dropped": 0, "rate": 100, "in_flight": 3,
    "latency_ms": {"min": 10, "p50": 34, "p90": 54, "p95": 57, "p99": 59, "p999": 59, "max": 59, "mean": 34.5}}]
}`

func TestReadJSON(t *testing.T) {
	r, err := ReadJSON(strings.NewReader(sampleJSON))
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 400 || r.Latency.P999 != 900.1 || r.Outcomes["429"] != 50 || len(r.Windows) != 1 || r.Stages[0].Target != 100 {
		t.Errorf("read %+v", r)
	}
	if v, ok := r.Latency.Percentile("p99.9"); !ok || v != 900.1 {
		t.Errorf("Percentile(p99.9) = %v, %v", v, ok)
	}
}

func TestReadJSONRejects(t *testing.T) {
	for _, in := range []string{"", "[]", `{"requests": -1}`, `{"requests": 1, "errors": 2}`, `{"rate_achieved": -3}`, `{"windows": [{"t": -1}]}`, `{"outcomes": {"2xx": -1}}`} {
		if _, err := ReadJSON(strings.NewReader(in)); err == nil {
			t.Errorf("ReadJSON(%q) accepted", in)
		}
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add(sampleJSON)
	f.Add(`{"requests": 3, "errors": 1, "windows": [{"t": 0, "requests": 3}], "partial": true}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ReadJSON(strings.NewReader(in))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := r.WriteJSON(&out); err != nil {
			t.Fatalf("cannot write back what was read: %v", err)
		}
		again, err := ReadJSON(&out)
		if err != nil {
			t.Fatalf("cannot re-read: %v", err)
		}
		a, _ := json.Marshal(r)
		c, _ := json.Marshal(again)
		if !bytes.Equal(a, c) {
			t.Fatalf("not stable:\n%s\n%s", a, c)
		}
		_ = r.WriteSummary(&out)
		_ = r.WriteCSV(&out)
	})
}
