// Package traffic is the simulator's long-horizon arrival shapes (diurnal, weekly, flash
// crowd, constant), parsed from --traffic and turned into the load package's piecewise
// linear schedules.
package traffic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/deploybench/deploybench/load/schedule"
)

// Traffic is a long-horizon arrival shape, parsed from --traffic:
//
//	diurnal:peak=5000,trough=300[,noise=0.1][,peak_hour=14]
//	weekly:peak=5000,trough=300[,weekend=0.6][,noise=0.1]
//	flash:base=200,peak=5000[,at=6h][,rise=2m][,hold=15m][,decay=30m]
//	constant:rate=1000
//
// Rates are requests per second. A diurnal day is a sinusoid between trough and peak with
// its peak at peak_hour (default 14:00); weekly is the same with weekend days scaled by
// weekend; flash is a base rate with one crowd rising linearly to peak at offset at.
// noise multiplies each minute by a seeded factor 1 + noise·N(0,1), clamped at 0.
type Traffic struct {
	Kind   string
	Params map[string]float64
}

// trafficKeys lists each shape's parameters and defaults (NaN: required).
var trafficKeys = map[string]map[string]float64{
	"diurnal":  {"peak": math.NaN(), "trough": math.NaN(), "noise": 0, "peak_hour": 14},
	"weekly":   {"peak": math.NaN(), "trough": math.NaN(), "noise": 0, "peak_hour": 14, "weekend": 0.6},
	"flash":    {"base": math.NaN(), "peak": math.NaN(), "noise": 0, "at": 6 * 3600, "rise": 120, "hold": 900, "decay": 1800},
	"constant": {"rate": math.NaN(), "noise": 0},
}

// durationKeys take durations ("6h") as well as seconds.
var durationKeys = map[string]bool{"at": true, "rise": true, "hold": true, "decay": true}

// Parse parses a --traffic value.
func Parse(s string) (Traffic, error) {
	kind, rest, _ := strings.Cut(s, ":")
	keys, ok := trafficKeys[kind]
	if !ok {
		return Traffic{}, fmt.Errorf("--traffic: %q is not a shape (use diurnal, weekly, flash or constant, e.g. diurnal:peak=5000,trough=300)", kind)
	}
	t := Traffic{Kind: kind, Params: map[string]float64{}}
	for k, v := range keys {
		t.Params[k] = v
	}
	for _, kv := range strings.Split(rest, ",") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if _, known := keys[k]; !ok || !known {
			return Traffic{}, fmt.Errorf("--traffic: %q: want key=value with a key of %s", kv, keyList(keys))
		}
		var f float64
		var err error
		if d, derr := time.ParseDuration(v); durationKeys[k] && derr == nil {
			f = d.Seconds()
		} else {
			f, err = strconv.ParseFloat(v, 64)
		}
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return Traffic{}, fmt.Errorf("--traffic: %s=%q must be a number ≥ 0", k, v)
		}
		t.Params[k] = f
	}
	for k, v := range t.Params {
		if math.IsNaN(v) {
			return Traffic{}, fmt.Errorf("--traffic: %s: %s= is required", kind, k)
		}
	}
	if kind == "diurnal" || kind == "weekly" {
		if t.Params["trough"] > t.Params["peak"] {
			return Traffic{}, fmt.Errorf("--traffic: trough %v must not exceed peak %v", t.Params["trough"], t.Params["peak"])
		}
	}
	return t, nil
}

func keyList(m map[string]float64) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// RateAt is the noise-free rate (req/s) at offset sec seconds from midnight of day 0.
func (t Traffic) RateAt(sec float64) float64 {
	p := t.Params
	switch t.Kind {
	case "constant":
		return p["rate"]
	case "flash":
		x := sec - p["at"]
		switch {
		case x < 0:
			return p["base"]
		case x < p["rise"]:
			return p["base"] + (p["peak"]-p["base"])*x/math.Max(p["rise"], 1e-9)
		case x < p["rise"]+p["hold"]:
			return p["peak"]
		case x < p["rise"]+p["hold"]+p["decay"]:
			return p["peak"] - (p["peak"]-p["base"])*(x-p["rise"]-p["hold"])/math.Max(p["decay"], 1e-9)
		}
		return p["base"]
	}
	h := math.Mod(sec/3600, 24)
	mid, amp := (p["peak"]+p["trough"])/2, (p["peak"]-p["trough"])/2
	r := mid + amp*math.Cos(2*math.Pi*(h-p["peak_hour"])/24)
	if t.Kind == "weekly" {
		if day := int(sec/86400) % 7; day >= 5 {
			r *= p["weekend"]
		}
	}
	return r
}

// Schedule returns the traffic over d as minute-long linear segments, with the seeded
// noise applied per minute.
func (t Traffic) Schedule(d time.Duration, seed uint64) schedule.Schedule {
	rng := rand.New(rand.NewPCG(seed, 0x5eed7a11))
	noise := t.Params["noise"]
	step := time.Minute
	if d < 10*time.Minute {
		step = time.Second
	}
	var s schedule.Schedule
	prev := -1.0
	for off := time.Duration(0); off < d; off += step {
		seg := min(step, d-off)
		r := t.RateAt((off + seg).Seconds())
		if noise > 0 {
			r = math.Max(0, r*(1+noise*rng.NormFloat64()))
		}
		from := prev
		if from < 0 {
			from = t.RateAt(0)
		}
		s.Segments = append(s.Segments, schedule.Segment{Duration: seg, From: from, To: r})
		prev = r
	}
	return s
}

// String renders the traffic as it is parsed.
func (t Traffic) String() string {
	var ks []string
	for k := range t.Params {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k + "=" + strconv.FormatFloat(t.Params[k], 'g', -1, 64)
	}
	return t.Kind + ":" + strings.Join(parts, ",")
}
