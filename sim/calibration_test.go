package sim

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBuiltinCalibrations(t *testing.T) {
	for _, m := range []string{"svm", "mlp"} {
		c, err := BuiltinCalibration(m)
		if err != nil {
			t.Fatal(err)
		}
		w := c.WorkTable()
		if !(w[50] > 0 && w[50] < 0.05) || c.StartupTime() <= 0 {
			t.Errorf("%s: median work %v s, start-up %v", m, w[50], c.StartupTime())
		}
		mean := meanOfPercentiles(w[:]) * 1e3
		if ref := c.reference().CPUMsPerRequest; ref > 0 && (mean-ref)/ref > 1e-9 {
			t.Errorf("%s: mean work %v ms, want the measured CPU %v ms", m, mean, ref)
		}
	}
	if _, err := BuiltinCalibration("gpt"); err == nil {
		t.Error("unknown model accepted")
	}
}

func TestParseCalibrationErrors(t *testing.T) {
	good, _ := json.Marshal(testCal())
	if _, err := ParseCalibration(good); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, err string }{
		{`{"allowances":[]}`, "at least one"},
		{`{"allowances":[{"vcpu":1,"service_ms":[1,2]}]}`, "101 percentiles"},
		{`{"bogus":1}`, "unknown field"},
		{strings.Replace(string(good), `"vcpu":1`, `"vcpu":0`, 1), "must be > 0"},
	} {
		if _, err := ParseCalibration([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want %q", c.in, err, c.err)
		}
	}
}

func FuzzParseCalibration(f *testing.F) {
	good, _ := json.Marshal(testCal())
	f.Add(good)
	f.Add([]byte(`{"allowances":[{"vcpu":1,"service_ms":[]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCalibration(b)
		if err != nil {
			return
		}
		w := c.WorkTable()
		for _, v := range w {
			if v < 0 {
				t.Fatalf("negative work %v", v)
			}
		}
	})
}
