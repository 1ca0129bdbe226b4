package server

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times. It is 100 on every
// mainstream Linux architecture (the kernel fixes it for user space regardless of
// CONFIG_HZ); Go cannot call sysconf(_SC_CLK_TCK) without cgo.
const clockTicks = 100

// mainStarted approximates the process start where /proc is unavailable: package
// initialisation runs before main, within milliseconds of exec.
var mainStarted = time.Now()

// StartSource says where a process start time came from.
const (
	// StartFromProc: the kernel's record of the exec (/proc/self/stat starttime),
	// precise to 1/USER_HZ = 10 ms.
	StartFromProc = "proc"
	// StartFromInit: the time this package was initialised (misses the runtime's own
	// start-up, typically a few ms).
	StartFromInit = "init"
)

// ProcessStartTime returns when this process was exec'd and where that came from: the
// kernel's start time (boot-relative ticks in /proc/self/stat, placed on the wall clock
// via /proc/uptime), or, where /proc is unavailable or implausible, the package's
// initialisation time.
func ProcessStartTime() (time.Time, string) {
	now := time.Now()
	start, err := procStartTime(now, "/proc/self/stat", "/proc/uptime")
	if err != nil || start.Sub(mainStarted) > time.Second || now.Sub(start) > 365*24*time.Hour {
		return mainStarted, StartFromInit
	}
	// Both /proc figures are truncated to 10 ms, so the estimate may land a few ms after
	// initialisation, which certainly followed the exec: the earlier one is the better.
	if start.After(mainStarted) {
		start = mainStarted
	}
	return start, StartFromProc
}

// procStartTime computes the start time from a stat and an uptime file read at now.
func procStartTime(now time.Time, statPath, uptimePath string) (time.Time, error) {
	stat, err := os.ReadFile(statPath)
	if err != nil {
		return time.Time{}, err
	}
	ticks, err := parseStatStartTicks(string(stat))
	if err != nil {
		return time.Time{}, err
	}
	up, err := os.ReadFile(uptimePath)
	if err != nil {
		return time.Time{}, err
	}
	f := strings.Fields(string(up))
	if len(f) == 0 {
		return time.Time{}, fmt.Errorf("%s: empty", uptimePath)
	}
	uptime, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %v", uptimePath, err)
	}
	age := uptime - float64(ticks)/clockTicks
	return now.Add(-time.Duration(age * float64(time.Second))), nil
}

// parseStatStartTicks extracts field 22 (starttime, in clock ticks after boot) of a
// /proc/<pid>/stat line. The command name (field 2) may contain spaces and parentheses,
// so fields are counted from the last ')'.
func parseStatStartTicks(stat string) (uint64, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("proc stat: no ')' after the command name")
	}
	f := strings.Fields(stat[end+1:])
	const idx = 22 - 3 // fields after ')' start at field 3 (state)
	if len(f) <= idx {
		return 0, fmt.Errorf("proc stat: %d fields after the command name, want > %d", len(f), idx)
	}
	return strconv.ParseUint(f[idx], 10, 64)
}
