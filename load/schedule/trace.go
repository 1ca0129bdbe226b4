package schedule

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxTraceRows bounds a trace so that a wrong file cannot exhaust memory; a month of
// per-minute counts is 44,640 rows.
const maxTraceRows = 1_000_000

// ParseTrace reads a trace of recorded invocations and returns the schedule that replays
// it. Two shapes are accepted, with an optional header line and '#' comments:
//
//	offset_seconds,count   count arrivals spread over [offset, next offset)
//	count                  one row per minute (CloudWatch-style per-minute counts)
//
// A two-column file whose header's first name starts with "minute" has offsets in
// minutes. The last row lasts as long as the row before it (a minute for per-minute
// counts, a second for a one-row offset trace). speedup > 1 compresses time: the same
// arrivals are replayed in 1/speedup of the wall time.
func ParseTrace(r io.Reader, speedup float64) (Schedule, error) {
	if !(speedup > 0) || math.IsInf(speedup, 0) {
		return Schedule{}, fmt.Errorf("trace speedup %v must be > 0", speedup)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var offsets, counts []float64
	unit, cols, line := 1.0, 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, ",")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if cols == 0 && len(offsets) == 0 {
			if _, err := strconv.ParseFloat(fields[0], 64); err != nil {
				if strings.HasPrefix(strings.ToLower(fields[0]), "minute") {
					unit = 60
				}
				cols = len(fields)
				continue // the header
			}
		}
		if cols == 0 {
			cols = len(fields)
		}
		if len(fields) != cols || cols > 2 {
			return Schedule{}, fmt.Errorf("trace line %d: %d fields, want %d (offset_seconds,count or one count per minute)", line, len(fields), min(cols, 2))
		}
		if len(offsets) >= maxTraceRows {
			return Schedule{}, fmt.Errorf("trace line %d: more than %d rows", line, maxTraceRows)
		}
		count, err := parseNonNeg(fields[cols-1])
		if err != nil {
			return Schedule{}, fmt.Errorf("trace line %d: count: %v", line, err)
		}
		off := float64(len(offsets)) * 60
		if cols == 2 {
			v, err := parseNonNeg(fields[0])
			if err != nil {
				return Schedule{}, fmt.Errorf("trace line %d: offset: %v", line, err)
			}
			off = v * unit
			if n := len(offsets); n > 0 && off <= offsets[n-1] {
				return Schedule{}, fmt.Errorf("trace line %d: offset %s is not after the previous one", line, fields[0])
			}
		}
		offsets = append(offsets, off)
		counts = append(counts, count)
	}
	if err := sc.Err(); err != nil {
		return Schedule{}, fmt.Errorf("trace: %v", err)
	}
	if len(offsets) == 0 {
		return Schedule{}, fmt.Errorf("trace has no rows (want offset_seconds,count lines or one count per minute)")
	}
	return traceSchedule(offsets, counts, cols == 1, speedup), nil
}

func traceSchedule(offsets, counts []float64, perMinute bool, speedup float64) Schedule {
	var s Schedule
	if offsets[0] > 0 {
		s.Segments = append(s.Segments, Segment{Duration: secs(offsets[0] / speedup)})
	}
	last := 1.0
	if perMinute {
		last = 60
	}
	for i := range offsets {
		length := last
		if i+1 < len(offsets) {
			length = offsets[i+1] - offsets[i]
			last = length
		}
		rate := counts[i] / length * speedup
		s.Segments = append(s.Segments, Segment{Duration: secs(length / speedup), From: rate, To: rate})
	}
	return s
}

func secs(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }

func parseNonNeg(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("%s must be ≥ 0", s)
	}
	if v > 1e12 {
		return 0, fmt.Errorf("%s is implausibly large", s)
	}
	return v, nil
}
