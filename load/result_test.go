package load

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/load/request"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedResult builds a Result from known samples through the real recorder.
func fixedResult() *Result {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	stages := []*stageRec{{name: "10s 0→100/s", start: 0, dur: 2 * time.Second, target: 100}, {name: "10s 100→100/s", start: 2 * time.Second, dur: 2 * time.Second, target: 100}}
	rec := newRecorder(start, stages, func() int64 { return 3 }, nil)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	outcomes := []request.Outcome{request.Status2xx, request.Status2xx, request.Status2xx, request.Status503, request.Timeout, request.Status2xx, request.Status429, request.Status2xx}
	for i := 0; i < 400; i++ {
		intended := at(i * 10)
		lat := time.Duration(10+i%50) * time.Millisecond
		if i == 150 {
			lat = 900 * time.Millisecond
		}
		stage := 0
		if i >= 200 {
			stage = 1
		}
		sent := intended.Add(time.Millisecond)
		if i == 149 { // the generator was starved for 40 ms
			sent = intended.Add(40 * time.Millisecond)
		}
		rec.record(sample{intended: intended, sent: sent, done: intended.Add(lat), outcome: outcomes[i%len(outcomes)], bytes: 100, stage: stage})
		if i%100 == 99 {
			rec.rotate(time.Duration(i/100+1) * time.Second)
		}
	}
	rec.drop(1)
	res := rec.result(4*time.Second, 4200*time.Millisecond, 401)
	res.Executor, res.Target, res.LatencyBasis, res.MaxInFlight = string(RampingRate), "http://127.0.0.1:8080/predict", BasisIntended, 7
	return res
}

// TestWindowSendLag: each window reports the most its requests were sent late, so a
// second in which the generator itself stalled can be told apart.
func TestWindowSendLag(t *testing.T) {
	res := fixedResult()
	var got []float64
	for _, w := range res.Windows {
		got = append(got, w.SendLagMaxMs)
	}
	if want := []float64{1, 40, 1, 1}; !slices.Equal(got, want) {
		t.Errorf("send lag per window %v ms, want %v", got, want)
	}
	// The stalled window and the one after it are left out of the steady latency: the
	// 900 ms request (window 1) is in neither the steady p99.9 nor its max.
	if want := []bool{false, true, true, false}; !slices.Equal(Stalled(res.Windows), want) {
		t.Errorf("Stalled %v, want %v", Stalled(res.Windows), want)
	}
	if res.StallWindows != 2 || res.LatencySteady == nil {
		t.Fatalf("stall windows %d, steady latency %v; want 2 and a summary", res.StallWindows, res.LatencySteady)
	}
	if s := res.LatencySteady; s.Max >= 100 || s.P50 != res.Windows[0].Latency.P50 {
		t.Errorf("steady latency %+v: want windows 0 and 3 only (max 59 ms, p50 %v)", s, res.Windows[0].Latency.P50)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", name, got)
	}
}

func TestResultFigures(t *testing.T) {
	res := fixedResult()
	if res.Requests != 400 || res.Errors != 150 || res.Dropped != 1 || res.Bytes != 40000 {
		t.Errorf("requests %d errors %d dropped %d bytes %d", res.Requests, res.Errors, res.Dropped, res.Bytes)
	}
	if res.RateAchieved != 100 || res.RateIntended != 100.25 || res.Throughput != 62.5 || res.ErrorRate != 0.375 {
		t.Errorf("rates %v %v %v error rate %v", res.RateAchieved, res.RateIntended, res.Throughput, res.ErrorRate)
	}
	if res.Latency.Max != 900.095 || res.Latency.Min != 10 || res.Stages[1].Dropped != 1 || len(res.Windows) != 4 {
		t.Errorf("latency %+v stages %+v windows %d", res.Latency, res.Stages, len(res.Windows))
	}
	h, err := DecodeHistogram(res.Histogram)
	if err != nil || h.TotalCount() != 400 {
		t.Errorf("histogram: %v, count %d", err, h.TotalCount())
	}
}

func TestSummaryGolden(t *testing.T) {
	var b bytes.Buffer
	if err := fixedResult().WriteSummary(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden", b.Bytes())
}

func TestCSVGolden(t *testing.T) {
	var b bytes.Buffer
	if err := fixedResult().WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "windows.golden.csv", b.Bytes())
}

func TestJSONRoundTrip(t *testing.T) {
	res := fixedResult()
	var b bytes.Buffer
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"requests"`, `"errors"`, `"dropped"`, `"rate_intended"`, `"rate_achieved"`, `"latency_ms"`, `"p999"`, `"outcomes"`, `"bytes"`, `"stages"`, `"windows"`, `"in_flight"`, `"partial"`} {
		if !strings.Contains(b.String(), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	back, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, back) {
		t.Errorf("round trip differs:\n%+v\n%+v", res, back)
	}
}
