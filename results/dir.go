package results

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"

	"github.com/deploybench/deploybench/platform"
)

// Dir is a results directory being written. Its methods are safe for concurrent use.
type Dir struct {
	Path string
	mu   sync.Mutex
}

// Create makes (or reuses) dir and writes run.json marked partial.
func Create(dir string, run Run) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("results: create %s: %w", dir, err)
	}
	d := &Dir{Path: dir}
	run.FormatVersion = FormatVersion
	run.Partial = true
	return d, d.WriteRun(run)
}

// WriteRun atomically replaces run.json.
func (d *Dir) WriteRun(run Run) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	run.FormatVersion = FormatVersion
	return WriteJSONFile(filepath.Join(d.Path, "run.json"), run)
}

// WriteFile atomically writes data to name inside the directory.
func (d *Dir) WriteFile(name string, data []byte) error {
	return writeAtomic(filepath.Join(d.Path, name), data)
}

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// PlatformDirName turns a platform name into a directory name.
func PlatformDirName(name string) string {
	s := safeName.ReplaceAllString(name, "_")
	if s == "" || s == "." || s == ".." {
		s = "_"
	}
	return s
}

// Platform opens the streaming files of one platform.
func (d *Dir) Platform(name string) (*PlatformWriter, error) {
	p := filepath.Join(d.Path, PlatformDirName(name))
	if err := os.MkdirAll(p, 0o755); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	tl, err := os.Create(filepath.Join(p, "timeline.csv"))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	ev, err := os.Create(filepath.Join(p, "events.jsonl"))
	if err != nil {
		tl.Close()
		return nil, fmt.Errorf("results: %w", err)
	}
	w := &PlatformWriter{dir: p, tl: tl, ev: ev, csv: csv.NewWriter(tl)}
	if err := w.csv.Write(timelineHeader); err != nil {
		w.Close()
		return nil, err
	}
	w.csv.Flush()
	return w, w.csv.Error()
}

// PlatformWriter streams one platform's timeline and events to disk as they happen, so
// an interrupted run keeps what it measured.
type PlatformWriter struct {
	dir string
	mu  sync.Mutex
	tl  *os.File
	ev  *os.File
	csv *csv.Writer
}

var timelineHeader = []string{"t", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "capacity", "pending", "cpu_pct", "cost"}

// AddPoint appends one timeline row and flushes it to disk.
func (w *PlatformWriter) AddPoint(p Point) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	_ = w.csv.Write([]string{f(p.T), strconv.FormatInt(p.Requests, 10), strconv.FormatInt(p.Errors, 10),
		f(p.P50), f(p.P95), f(p.P99), strconv.Itoa(p.Capacity), strconv.Itoa(p.Pending), f(p.CPU), f(p.CostSoFar)})
	w.csv.Flush()
	return w.csv.Error()
}

// AddEvent appends one event line.
func (w *PlatformWriter) AddEvent(e platform.Event) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = w.ev.Write(append(b, '\n'))
	return err
}

// WriteJSON atomically writes v as name (e.g. "load.json", "bill.json") in the
// platform's directory.
func (w *PlatformWriter) WriteJSON(name string, v any) error {
	return WriteJSONFile(filepath.Join(w.dir, name), v)
}

// Close closes the streaming files.
func (w *PlatformWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return errors.Join(w.tl.Close(), w.ev.Close())
}

// WriteJSONFile writes v as indented JSON to path atomically (temp file + rename), so a
// reader never sees a half-written file.
func WriteJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("results: encode %s: %w", filepath.Base(path), err)
	}
	return writeAtomic(path, append(b, '\n'))
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// Loaded is a results directory read back.
type Loaded struct {
	Run       Run
	Timelines map[string][]Point          // by platform name
	Events    map[string][]platform.Event // by platform name
	Scenario  []byte                      // scenario.yaml as run, if present
}

// Read loads a results directory. A missing timeline or events file is tolerated (the
// platform may not have started); a malformed one is an error naming the file and line.
func Read(dir string) (*Loaded, error) {
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("results: %s has no run.json: is it a deploybench results directory?", dir)
		}
		return nil, fmt.Errorf("results: %w", err)
	}
	var run Run
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("results: %s: %v", filepath.Join(dir, "run.json"), err)
	}
	if run.FormatVersion > FormatVersion || run.FormatVersion < 1 {
		return nil, fmt.Errorf("results: %s: format_version %d is not supported (this deploybench reads 1..%d)", filepath.Join(dir, "run.json"), run.FormatVersion, FormatVersion)
	}
	l := &Loaded{Run: run, Timelines: map[string][]Point{}, Events: map[string][]platform.Event{}}
	l.Scenario, _ = os.ReadFile(filepath.Join(dir, "scenario.yaml"))
	for _, p := range run.Platforms {
		pd := filepath.Join(dir, PlatformDirName(p.Name))
		if f, err := os.Open(filepath.Join(pd, "timeline.csv")); err == nil {
			pts, err := ReadTimeline(f)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("results: %s: %w", filepath.Join(pd, "timeline.csv"), err)
			}
			l.Timelines[p.Name] = pts
		}
		if f, err := os.Open(filepath.Join(pd, "events.jsonl")); err == nil {
			evs, err := ReadEvents(f)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("results: %s: %w", filepath.Join(pd, "events.jsonl"), err)
			}
			l.Events[p.Name] = evs
		}
	}
	return l, nil
}

// ReadTimeline parses timeline.csv. A truncated last line (an interrupted write) is
// dropped rather than failing the whole read.
func ReadTimeline(r io.Reader) ([]Point, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	if len(rows[0]) != len(timelineHeader) || rows[0][0] != "t" {
		return nil, fmt.Errorf("line 1: header is not %v", timelineHeader)
	}
	var pts []Point
	for i, row := range rows[1:] {
		if len(row) != len(timelineHeader) {
			if i == len(rows)-2 {
				break // torn last line
			}
			return nil, fmt.Errorf("line %d: %d fields, want %d", i+2, len(row), len(timelineHeader))
		}
		var nums [10]float64
		for j, s := range row {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d, column %s: %q is not a number", i+2, timelineHeader[j], s)
			}
			nums[j] = v
		}
		pts = append(pts, Point{T: nums[0], Requests: int64(nums[1]), Errors: int64(nums[2]), P50: nums[3], P95: nums[4],
			P99: nums[5], Capacity: int(nums[6]), Pending: int(nums[7]), CPU: nums[8], CostSoFar: nums[9]})
	}
	return pts, nil
}

// ReadEvents parses events.jsonl, dropping a torn last line.
func ReadEvents(r io.Reader) ([]platform.Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var evs []platform.Event
	var pendingErr error
	line := 0
	for sc.Scan() {
		line++
		if pendingErr != nil {
			return nil, pendingErr
		}
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e platform.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			pendingErr = fmt.Errorf("line %d: %v", line, err)
			continue
		}
		evs = append(evs, e)
	}
	return evs, sc.Err()
}
