package load

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestParseConfigYAML(t *testing.T) {
	in := `
executor: ramping_rate
start_rate: 10
stages:
  - {duration: 30s, target: 200}
  - {duration: 1m, target: 200}
spacing: poisson
seed: 7
timeout: 2s
max_inflight: 500
method: POST
headers: {Content-Type: image/png}
body: images
path: /predict
`
	c, err := ParseConfig([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind() != RampingRate || len(c.Stages) != 2 || c.Stages[1].Duration.D() != time.Minute || c.Timeout.D() != 2*time.Second {
		t.Fatalf("parsed %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	// YAML and JSON round trips keep durations as strings.
	y, _ := yaml.Marshal(c)
	if !strings.Contains(string(y), "duration: 1m0s") {
		t.Errorf("YAML form: %s", y)
	}
	c2, err := ParseConfig(y)
	if err != nil || c2.Stages[1] != c.Stages[1] || c2.Timeout != c.Timeout {
		t.Errorf("YAML round trip: %+v, %v", c2, err)
	}
	j, _ := json.Marshal(c)
	var c3 Config
	if err := json.Unmarshal(j, &c3); err != nil || c3.Stages[0] != c.Stages[0] {
		t.Errorf("JSON round trip: %s → %+v, %v", j, c3, err)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for in, want := range map[string]string{
		"rate: 10\nduraton: 5s\n":   "field duraton not found",
		"rate: 10\nduration: 5\n":   "use a unit",
		"vus: 2\nthink: 5-2ms\n":    "think time",
		"vus: [1]\n":                "load config",
		"timeout: -1s\nrate: 1\n":   "must not be negative",
		"stages: [{duration: x}]\n": "not a duration",
	} {
		_, err := ParseConfig([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseConfig(%q): %v, want a one-line error containing %q", in, err, want)
		}
	}
}

func TestValidate(t *testing.T) {
	d := dur(time.Second)
	tests := []struct {
		name string
		cfg  Config
		want string // "" means valid
	}{
		{"closed", Config{VUs: 10, Duration: d}, ""},
		{"closed by count", Config{VUs: 1, Requests: 5}, ""},
		{"rate", Config{Rate: 100, Duration: d}, ""},
		{"batch", Config{Batch: &Batch{Parallel: 9, Repeats: 4}}, ""},
		{"trace", Config{Trace: "t.csv"}, ""},
		{"nothing", Config{}, "load.executor: no load given"},
		{"two models", Config{VUs: 1, Rate: 5, Duration: d}, "load.executor: vus and rate conflict"},
		{"unbounded closed", Config{VUs: 1}, "load.duration: missing"},
		{"unbounded rate", Config{Rate: 1}, "load.duration: missing"},
		{"bad executor", Config{Executor: "soak"}, `load.executor: "soak" is not an executor`},
		{"negative target", Config{Stages: []Stage{{d, 10}, {d, -1}}}, "load.stages[1].target: must be ≥ 0"},
		{"zero stage", Config{Stages: []Stage{{0, 10}}}, "load.stages[0].duration: must be > 0"},
		{"negative rate", Config{Executor: ConstantRate, Rate: -1, Duration: d}, "load.rate"},
		{"think on open", Config{Rate: 1, Duration: d, Think: Think{d, d}}, "load.think: does not apply to the constant_rate executor"},
		{"spacing on closed", Config{VUs: 1, Duration: d, Spacing: "poisson"}, "load.spacing: does not apply"},
		{"bad spacing", Config{Rate: 1, Duration: d, Spacing: "gaussian"}, "load.spacing"},
		{"batch zero", Config{Batch: &Batch{Parallel: 0, Repeats: 1}}, "load.batch.parallel"},
		{"batch repeats", Config{Batch: &Batch{Parallel: 1}}, "load.batch.repeats"},
		{"bad method", Config{Rate: 1, Duration: d, Method: "GE T"}, "load.method"},
		{"bad header", Config{Rate: 1, Duration: d, Headers: map[string]string{"a b": "x"}}, "load.headers"},
		{"bad path", Config{Rate: 1, Duration: d, Path: "predict"}, "load.path"},
		{"negative inflight", Config{Rate: 1, Duration: d, MaxInflight: -1}, "load.max_inflight"},
		{"negative conns", Config{Rate: 1, Duration: d, MaxConns: -1}, "load.max_conns"},
		{"too many vus", Config{VUs: 1e6, Duration: d}, "load.vus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{"rate: 10\nduration: 5s\n", "vus: 3\nthink: 0-100ms\nrequests: 9\n",
		"stages: [{duration: 1s, target: 5}]\n", "batch: {parallel: 9, repeats: 4, pause: 1s}\n", "trace: x.csv\n", "{}", "executor: closed"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseConfig([]byte(in))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if err := c.Validate(); err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error %q", err)
		}
		_ = c.withDefaults().Kind()
	})
}
