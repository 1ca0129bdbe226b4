package load

import (
	"strings"
	"testing"
	"time"
)

func TestParseStages(t *testing.T) {
	got, err := ParseStages("30s:200, 1m:200,30s:0")
	if err != nil {
		t.Fatal(err)
	}
	want := []Stage{{dur(30 * time.Second), 200}, {dur(time.Minute), 200}, {dur(30 * time.Second), 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("stage %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if s := FormatStages(got); s != "30s:200,1m0s:200,30s:0" {
		t.Errorf("FormatStages = %q", s)
	}
	for in, want := range map[string]string{
		"":             "stage 1",
		"30s":          "want DURATION:RATE",
		"30:200":       "duration must be > 0",
		"0s:5":         "duration must be > 0",
		"1s:-5":        "target",
		"1s:5,,":       "stage 2",
		"1s:x":         "target",
		"1s:NaN":       "target",
		"1s:5,2s:+Inf": "stage 2",
	} {
		if _, err := ParseStages(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseStages(%q) error %v, want %q", in, err, want)
		}
	}
}

func TestParseThink(t *testing.T) {
	for in, want := range map[string]Think{
		"100ms":    {dur(100 * time.Millisecond), dur(100 * time.Millisecond)},
		"0-100ms":  {0, dur(100 * time.Millisecond)},
		"50-100ms": {dur(50 * time.Millisecond), dur(100 * time.Millisecond)},
		"1s-2s":    {dur(time.Second), dur(2 * time.Second)},
	} {
		got, err := ParseThink(in)
		if err != nil || got != want {
			t.Errorf("ParseThink(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, _ := ParseThink(got.String()); back != got {
			t.Errorf("ParseThink(String()) of %v = %v", got, back)
		}
	}
	for _, in := range []string{"", "fast", "100ms-50ms", "-5ms", "1-2-3ms"} {
		if _, err := ParseThink(in); err == nil {
			t.Errorf("ParseThink(%q) accepted", in)
		}
	}
}

func TestParseBatch(t *testing.T) {
	for in, want := range map[string]Batch{"9x4": {9, 4, 0}, "100X5/2s": {100, 5, dur(2 * time.Second)}} {
		if got, err := ParseBatch(in); err != nil || got != want {
			t.Errorf("ParseBatch(%q) = %+v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "9", "x4", "0x4", "9x0", "9x4/", "9x4/soon", "-1x2"} {
		if _, err := ParseBatch(in); err == nil {
			t.Errorf("ParseBatch(%q) accepted", in)
		}
	}
}

func TestParseHeader(t *testing.T) {
	if k, v, err := ParseHeader("Content-Type:  image/png "); err != nil || k != "Content-Type" || v != "image/png" {
		t.Errorf("got %q %q %v", k, v, err)
	}
	for _, in := range []string{"nocolon", ": v", "a b: c"} {
		if _, _, err := ParseHeader(in); err == nil {
			t.Errorf("ParseHeader(%q) accepted", in)
		}
	}
}

func FuzzParseStages(f *testing.F) {
	for _, s := range []string{"30s:200,1m:200,30s:0", "1s:0", "", "1h:1e6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		st, err := ParseStages(in)
		if err != nil {
			return
		}
		for _, s := range st {
			if s.Duration <= 0 || s.Target < 0 {
				t.Fatalf("accepted invalid stage %+v from %q", s, in)
			}
		}
		again, err := ParseStages(FormatStages(st))
		if err != nil || len(again) != len(st) {
			t.Fatalf("round trip of %q failed: %v", in, err)
		}
	})
}

func FuzzParseThink(f *testing.F) {
	for _, s := range []string{"100ms", "0-100ms", "1s-2s", "5-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		th, err := ParseThink(in)
		if err == nil && (th.Min < 0 || th.Max < th.Min) {
			t.Fatalf("accepted %q as %+v", in, th)
		}
	})
}

func FuzzParseBatch(f *testing.F) {
	for _, s := range []string{"9x4", "100x5/2s", "1x1/0s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		b, err := ParseBatch(in)
		if err == nil && (b.Parallel < 1 || b.Repeats < 1 || b.Pause < 0) {
			t.Fatalf("accepted %q as %+v", in, b)
		}
	})
}
