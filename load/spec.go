package load

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Think is a closed-model user's pause after each answer: fixed when Min == Max,
// otherwise drawn uniformly from [Min, Max]. It reads and writes as "100ms" or "0-100ms".
type Think struct{ Min, Max Duration }

// IsZero reports whether there is no think time.
func (t Think) IsZero() bool { return t.Min == 0 && t.Max == 0 }

// String formats t as ParseThink reads it.
func (t Think) String() string {
	if t.Min == t.Max {
		return t.Min.String()
	}
	return t.Min.String() + "-" + t.Max.String()
}

// ParseThink reads "100ms" (fixed) or "0-100ms" / "50ms-1s" (uniform range); a bare
// number before the dash takes the unit after it.
func ParseThink(s string) (Think, error) {
	s = strings.TrimSpace(s)
	lo, hi, isRange := strings.Cut(s, "-")
	if !isRange {
		d, err := ParseDuration(s)
		return Think{d, d}, err
	}
	max, err := ParseDuration(strings.TrimSpace(hi))
	if err != nil {
		return Think{}, fmt.Errorf("think %q: %v", s, err)
	}
	lo = strings.TrimSpace(lo)
	min, err := ParseDuration(lo)
	if err != nil {
		unit := strings.TrimLeft(strings.TrimSpace(hi), "0123456789.")
		if min, err = ParseDuration(lo + unit); err != nil {
			return Think{}, fmt.Errorf("think %q: %v", s, err)
		}
	}
	if max < min {
		return Think{}, fmt.Errorf("think %q: max is below min", s)
	}
	return Think{min, max}, nil
}

// UnmarshalYAML reads a think string.
func (t *Think) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseThink(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a think time such as 100ms or 0-100ms", n.Line)
	}
	*t = v
	return nil
}

// MarshalYAML writes the think string.
func (t Think) MarshalYAML() (any, error) { return t.String(), nil }

// UnmarshalJSON reads a think string.
func (t *Think) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a think time string such as \"0-100ms\"")
	}
	v, err := ParseThink(s)
	*t = v
	return err
}

// MarshalJSON writes the think string.
func (t Think) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// ParseStages reads the CLI form of ramping stages: "30s:200,1m:200,30s:0", each
// DURATION:TARGET_RATE.
func ParseStages(s string) ([]Stage, error) {
	var out []Stage
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		ds, ts, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("stage %d %q: want DURATION:RATE, e.g. 30s:200", i+1, item)
		}
		d, err := ParseDuration(strings.TrimSpace(ds))
		if err != nil || d == 0 {
			return nil, fmt.Errorf("stage %d %q: duration must be > 0 with a unit, e.g. 30s:200", i+1, item)
		}
		t, err := strconv.ParseFloat(strings.TrimSpace(ts), 64)
		if err != nil || !(t >= 0) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("stage %d %q: target %q must be a rate ≥ 0", i+1, item, ts)
		}
		out = append(out, Stage{Duration: d, Target: t})
	}
	return out, nil
}

// FormatStages is the inverse of ParseStages.
func FormatStages(stages []Stage) string {
	parts := make([]string, len(stages))
	for i, s := range stages {
		parts[i] = s.Duration.String() + ":" + strconv.FormatFloat(s.Target, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// ParseBatch reads "PARALLELxREPEATS" with an optional "/PAUSE", e.g. "9x4" or "100x5/2s".
func ParseBatch(s string) (Batch, error) {
	spec, pause, hasPause := strings.Cut(strings.TrimSpace(s), "/")
	ps, rs, ok := strings.Cut(strings.ToLower(spec), "x")
	p, err1 := strconv.Atoi(ps)
	r, err2 := strconv.Atoi(rs)
	if !ok || err1 != nil || err2 != nil || p < 1 || r < 1 {
		return Batch{}, fmt.Errorf("%q: want PARALLELxREPEATS[/PAUSE], e.g. 9x4 or 100x5/2s", s)
	}
	b := Batch{Parallel: p, Repeats: r}
	if hasPause {
		d, err := ParseDuration(pause)
		if err != nil {
			return Batch{}, fmt.Errorf("%q: pause %v", s, err)
		}
		b.Pause = d
	}
	return b, nil
}

// ParseHeader reads a curl-style "Name: value" header.
func ParseHeader(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || !isToken(name) || strings.ContainsAny(value, "\r\n") {
		return "", "", fmt.Errorf("%q: want 'Name: value'", s)
	}
	return name, strings.TrimSpace(value), nil
}
