package calibration

import (
	"encoding/json"
	"math"
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

// TestLoadCurve: without loaded measurements the curve is flat; with them the work
// falls linearly from the low-rate utilisation to the loaded one, by the median ratio.
func TestLoadCurve(t *testing.T) {
	flat := testCal().LoadCurve()
	if f := flat.Factor(1e6, 0.25); f != 1 {
		t.Errorf("flat curve: factor %v, want 1", f)
	}
	c := testCal()                                                                   // 1 vCPU = 0.25 core, 1 ms per request: capacity 250 req/s
	c.Allowances[0].RPS = 25                                                         // u0 = 0.1
	c.Allowances[0].Loaded = &Loaded{RPS: 225, CPUMsPerRequest: 0.8, Requests: 1800} // u1 = 0.9, ratio 0.8
	l := c.LoadCurve()
	for _, tc := range []struct{ rate, cores, want float64 }{
		{0, 0.25, 1}, {25, 0.25, 1}, {125, 0.25, 0.9}, {225, 0.25, 0.8}, {1000, 0.25, 0.8},
		{250, 0.5, 0.9}, // the same utilisation on twice the cores
	} {
		if got := l.Factor(tc.rate, tc.cores); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("Factor(%v req/s, %v cores) = %v, want %v", tc.rate, tc.cores, got, tc.want)
		}
	}
	if l.Ratio() != 0.8 {
		t.Errorf("ratio %v, want 0.8", l.Ratio())
	}
	b, _ := json.Marshal(c)
	if _, err := Parse(b); err != nil {
		t.Fatalf("a calibration with a loaded section does not parse back: %v", err)
	}
	bad := strings.Replace(string(b), `"cpu_ms_per_request":0.8`, `"cpu_ms_per_request":0`, 1)
	if _, err := Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "allowances[0].loaded") {
		t.Errorf("zero loaded CPU: %v, want an error naming allowances[0].loaded", err)
	}
}

func hostLoad(p95s ...float64) *HostLoad {
	h := &HostLoad{VCPU: 4}
	for i, p95 := range p95s {
		q := make([]float64, 101)
		for k := range q {
			q[k] = 1
			if k >= 95 {
				q[k] = p95
			}
		}
		h.Rates = append(h.Rates, RateLatency{RPS: 50 * float64(int(1)<<i), ServiceMs: q, Requests: 1000})
	}
	return h
}

// TestWidening: the host-load widening is 1 at or below the slowest rate, the
// fastest rate's ratio beyond it, linear in the rate between, and per percentile (the
// median of these tables does not move, the tail does).
func TestWidening(t *testing.T) {
	c := testCal()
	if w := c.Widening(); w.Active() || w.Factor(500, 99) != 1 {
		t.Fatal("no host load: want no widening")
	}
	c.HostLoad = hostLoad(2, 2.2, 2.6) // p95 2 ms at 50, 2.2 at 100, 2.6 at 200 req/s
	w := c.Widening()
	for _, x := range []struct{ rps, u, want float64 }{
		{10, 97, 1}, {50, 97, 1}, {100, 97, 1.1}, {150, 97, 1.2}, {200, 97, 1.3}, {1000, 97, 1.3},
		{200, 50, 1}, {200, 93.5, 1}, {200, 94.5, 1.15}, {200, 99.99, 1.3},
	} {
		if got := w.Factor(x.rps, x.u); math.Abs(got-x.want) > 1e-9 {
			t.Errorf("Factor(%v req/s, p%v) = %v, want %v", x.rps, x.u, got, x.want)
		}
	}
}

func TestHostLoadValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(h *HostLoad)
		err  string
	}{
		{"one rate", func(h *HostLoad) { h.Rates = h.Rates[:1] }, "at least two rates"},
		{"no vcpu", func(h *HostLoad) { h.VCPU = 0 }, "host_load.vcpu"},
		{"rates out of order", func(h *HostLoad) { h.Rates[1].RPS = 50 }, "host_load.rates[1].rps"},
		{"short table", func(h *HostLoad) { h.Rates[0].ServiceMs = h.Rates[0].ServiceMs[:100] }, "101 percentiles"},
		{"decreasing", func(h *HostLoad) { h.Rates[1].ServiceMs[100] = 0.5 }, "non-decreasing"},
		{"zero latency", func(h *HostLoad) { h.Rates[0].ServiceMs[0] = 0 }, "must be > 0"},
	} {
		c0 := testCal()
		c0.HostLoad = hostLoad(2, 3)
		c.edit(c0.HostLoad)
		b, _ := json.Marshal(c0)
		if _, err := Parse(b); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want %q", c.name, err, c.err)
		}
	}
}
