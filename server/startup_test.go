package server

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestParseStatStartTicks(t *testing.T) {
	tests := []struct {
		stat    string
		want    uint64
		wantErr bool
	}{
		{"1234 (deploybench) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 8 0 987654 123456 789\n", 987654, false},
		{"1 (a) b) (c d) R 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 1 1", 42, false},
		{"1 (short) S 1 2 3", 0, true},
		{"no parens at all", 0, true},
		{"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 notanumber 1", 0, true},
	}
	for _, tt := range tests {
		got, err := parseStatStartTicks(tt.stat)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseStatStartTicks(%q) = %d, %v; want %d, error %v", tt.stat, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestProcStartTimeFromFiles(t *testing.T) {
	dir := t.TempDir()
	stat := filepath.Join(dir, "stat")
	uptime := filepath.Join(dir, "uptime")
	// Started 500 ticks (5 s) after boot; the machine has been up 12.5 s: age 7.5 s.
	if err := os.WriteFile(stat, []byte("7 (app) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(uptime, []byte("12.50 20.00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	got, err := procStartTime(now, stat, uptime)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(-7500 * time.Millisecond); !got.Equal(want) {
		t.Errorf("start %v, want %v", got, want)
	}
	if _, err := procStartTime(now, filepath.Join(dir, "missing"), uptime); err == nil {
		t.Error("missing stat file: no error")
	}
}

func TestProcessStartTimeIsPlausible(t *testing.T) {
	start, src := ProcessStartTime()
	if runtime.GOOS == "linux" && src != StartFromProc {
		t.Errorf("source %q on Linux, want %q", src, StartFromProc)
	}
	if start.After(mainStarted) || time.Since(start) > time.Hour {
		t.Errorf("start %v is not shortly before package init %v", start, mainStarted)
	}
}
