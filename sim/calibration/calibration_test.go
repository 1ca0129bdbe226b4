package calibration

import (
	"encoding/json"
	"strings"
	"testing"
)

func testCal() *Calibration {
	c := &Calibration{App: "test", HostCores: 2, VCPUFraction: 0.25, StartupMs: 100, MemoryMiB: 30}
	q := make([]float64, 101)
	for i := range q {
		q[i] = 1
	}
	c.Allowances = []Allowance{{VCPU: 1, ServiceMs: q, CPUMsPerRequest: 1}}
	return c
}

func TestBuiltinCalibrations(t *testing.T) {
	for _, m := range []string{"svm", "mlp"} {
		c, err := Builtin(m)
		if err != nil {
			t.Fatal(err)
		}
		w := c.WorkTable()
		if !(w[50] > 0 && w[50] < 0.05) || c.StartupTime() <= 0 {
			t.Errorf("%s: median work %v s, start-up %v", m, w[50], c.StartupTime())
		}
		mean := MeanOfPercentiles(w[:]) * 1e3
		if ref := c.reference().CPUMsPerRequest; ref > 0 && (mean-ref)/ref > 1e-9 {
			t.Errorf("%s: mean work %v ms, want the measured CPU %v ms", m, mean, ref)
		}
	}
	if _, err := Builtin("gpt"); err == nil {
		t.Error("unknown model accepted")
	}
}

func TestParseCalibrationErrors(t *testing.T) {
	good, _ := json.Marshal(testCal())
	if _, err := Parse(good); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, err string }{
		{`{"allowances":[]}`, "at least one"},
		{`{"allowances":[{"vcpu":1,"service_ms":[1,2]}]}`, "101 percentiles"},
		{`{"bogus":1}`, "unknown field"},
		{strings.Replace(string(good), `"vcpu":1`, `"vcpu":0`, 1), "must be > 0"},
	} {
		if _, err := Parse([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want %q", c.in, err, c.err)
		}
	}
}

func FuzzParse(f *testing.F) {
	good, _ := json.Marshal(testCal())
	f.Add(good)
	f.Add([]byte(`{"allowances":[{"vcpu":1,"service_ms":[]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
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
