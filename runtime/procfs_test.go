package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// statLine builds a /proc/PID/stat line with the fields the parser reads set.
func statLine(pid int, comm string, state byte, ppid, pgrp int, utime, stime, cutime, cstime, rss int64) string {
	f := make([]string, 50)
	for i := range f {
		f[i] = "0"
	}
	f[0], f[1], f[2] = strconv.Itoa(pid), "("+comm+")", string(state)
	f[3], f[4] = strconv.Itoa(ppid), strconv.Itoa(pgrp)
	f[13], f[14], f[15], f[16] = strconv.FormatInt(utime, 10), strconv.FormatInt(stime, 10), strconv.FormatInt(cutime, 10), strconv.FormatInt(cstime, 10)
	f[23] = strconv.FormatInt(rss, 10)
	line := f[0]
	for _, s := range f[1:] {
		line += " " + s
	}
	return line + "\n"
}

func TestParseProcStat(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want procStat
		err  bool
	}{
		{"plain", statLine(42, "app", 'S', 1, 42, 150, 50, 10, 5, 1000),
			procStat{PID: 42, PPID: 1, PGRP: 42, State: 'S', UTime: 150, STime: 50, CUTime: 10, CSTime: 5, RSSPages: 1000}, false},
		{"comm with spaces and parens", statLine(7, "my (odd) app", 'R', 2, 3, 1, 2, 3, 4, 5),
			procStat{PID: 7, PPID: 2, PGRP: 3, State: 'R', UTime: 1, STime: 2, CUTime: 3, CSTime: 4, RSSPages: 5}, false},
		{"negative child times clamp", statLine(8, "x", 'S', 1, 8, 1, 1, -3, -4, 1),
			procStat{PID: 8, PPID: 1, PGRP: 8, State: 'S', UTime: 1, STime: 1, RSSPages: 1}, false},
		{"truncated", "42 (app) S 1 42 42", procStat{}, true},
		{"no comm", "42 app S 1", procStat{}, true},
		{"bad pid", "x (app) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22", procStat{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcStat([]byte(tt.in))
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if !tt.err && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestGroupUsage(t *testing.T) {
	dir := t.TempDir()
	procs := map[string]string{
		"100": statLine(100, "leader", 'S', 1, 100, 300, 100, 50, 50, 10), // + waited-for children
		"101": statLine(101, "child", 'R', 100, 100, 100, 0, 7, 7, 5),     // child's own cutime not counted
		"102": statLine(102, "zombie", 'Z', 100, 100, 999, 999, 0, 0, 0),  // a zombie is not live
		"200": statLine(200, "other", 'S', 1, 200, 999, 999, 0, 0, 99),    // another group
	}
	for pid, line := range procs {
		os.MkdirAll(filepath.Join(dir, pid), 0o755)
		os.WriteFile(filepath.Join(dir, pid, "stat"), []byte(line), 0o644)
	}
	os.MkdirAll(filepath.Join(dir, "self"), 0o755)
	cpu, rss, err := groupUsage(dir, 100)
	if err != nil {
		t.Fatal(err)
	}
	if cpu != 6 { // (300+100+50+50+100+0) ticks / 100
		t.Errorf("cpu = %v s, want 6", cpu)
	}
	if want := uint64(15 * os.Getpagesize()); rss != want {
		t.Errorf("rss = %d, want %d", rss, want)
	}
	if _, _, err := groupUsage(dir, 300); err == nil {
		t.Error("empty group: want an error")
	}
}

func FuzzParseProcStat(f *testing.F) {
	f.Add([]byte(statLine(42, "app", 'S', 1, 42, 150, 50, 10, 5, 1000)))
	f.Add([]byte(statLine(7, "a) (b", 'R', 2, 3, 1, 2, 3, 4, 5)))
	f.Add([]byte("1 (x) S"))
	f.Add([]byte(")("))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseProcStat(b)
		if err == nil && s.RSSPages < 0 && s.UTime > 0 {
			_ = s // any parsed values are acceptable; the parser must not panic
		}
	})
}

func BenchmarkGroupUsage(b *testing.B) {
	pid := syscall.Getpgrp() // groupUsage sums a process group
	for b.Loop() {
		if _, _, err := groupUsage("/proc", pid); err != nil {
			b.Skip("no procfs:", err)
		}
	}
}
