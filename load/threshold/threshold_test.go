package threshold

import (
	"strings"
	"testing"

	"github.com/deploybench/deploybench/load/result"
)

func TestParse(t *testing.T) {
	ths, err := Parse("p95<200ms, p99<=1s,errors<1%,rate>100,dropped<0.5%,requests>=10,max<250,p75<30ms")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		metric, op string
		value      float64
		kind       Kind
	}{
		{"p95", "<", 200, Latency}, {"p99", "<=", 1000, Latency}, {"errors", "<", 0.01, Fraction}, {"rate", ">", 100, Rate},
		{"dropped", "<", 0.005, Fraction}, {"requests", ">=", 10, Count}, {"max", "<", 250, Latency}, {"p75", "<", 30, Latency},
	}
	if len(ths) != len(want) {
		t.Fatalf("%d thresholds", len(ths))
	}
	for i, w := range want {
		g := ths[i]
		if g.Metric != w.metric || g.Op != w.op || g.Value != w.value || g.Kind != w.kind {
			t.Errorf("threshold %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":             "empty item",
		"p95<200ms,":   "empty item",
		"p95":          "want METRIC<VALUE",
		"<5":           "want METRIC<VALUE",
		"p42x<5ms":     "unknown metric",
		"p95<fast":     "not a latency",
		"errors<150%":  "not a share",
		"errors<2":     "not a share",
		"rate>-1":      "not a number",
		"p100<1s":      "unknown metric",
		"latency<5ms":  "unknown metric",
		"p95<-5ms":     "not a latency",
		"requests>NaN": "not a number",
	} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestCheck(t *testing.T) {
	res := &result.Result{Requests: 1000, Errors: 30, Dropped: 0, ErrorRate: 0.03, RateAchieved: 99.5,
		Latency: result.Latency{P50: 20, P95: 312.4, P99: 900, Max: 1000}}
	ths, err := Parse("p95<200ms,p99<1s,errors<1%,rate>100,dropped<1%,p50<=20")
	if err != nil {
		t.Fatal(err)
	}
	vs := Check(ths, res)
	got := Describe(vs)
	want := "p95<200ms (was 312.4ms), errors<1% (was 3%), rate>100 (was 99.5/s)"
	if got != want {
		t.Errorf("violations %q, want %q", got, want)
	}
	// A percentile that needs the histogram fails safe when there is none.
	ths, _ = Parse("p75<1s")
	if vs := Check(ths, res); len(vs) != 1 {
		t.Errorf("p75 without a histogram: %v", vs)
	}
}

func FuzzParseThresholds(f *testing.F) {
	for _, s := range []string{"p95<200ms,p99<1s,errors<1%,rate>100", "p99.9<=2s", "max<5", "requests>=1", "dropped<0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ths, err := Parse(in)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error for %q", in)
			}
			return
		}
		for _, th := range ths {
			if th.Value < 0 || th.Value != th.Value {
				t.Fatalf("%q gave value %v", in, th.Value)
			}
			_ = th.Holds(th.Actual(&result.Result{}))
		}
	})
}
