package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deploybench/deploybench/results"
)

// Files are the paths Write produced.
type Files struct {
	HTML, JSON, CSV string
}

// Write reads the results directory dir and writes summary.json, summary.csv and
// report.html into it. Each file is written atomically, so an interrupted write never
// leaves a file that looks complete.
func Write(dir string) (*results.Loaded, Files, error) {
	l, err := results.Read(dir)
	if err != nil {
		return nil, Files{}, err
	}
	f := Files{HTML: filepath.Join(dir, "report.html"), JSON: filepath.Join(dir, "summary.json"), CSV: filepath.Join(dir, "summary.csv")}
	if err := results.WriteJSONFile(f.JSON, Summary{Run: l.Run, Recommendation: Recommend(l.Run)}); err != nil {
		return nil, f, err
	}
	var buf bytes.Buffer
	if err := CSV(&buf, l.Run); err != nil {
		return nil, f, err
	}
	if err := atomicWrite(f.CSV, buf.Bytes()); err != nil {
		return nil, f, err
	}
	buf.Reset()
	if err := HTML(&buf, l); err != nil {
		return nil, f, fmt.Errorf("report: render HTML: %w", err)
	}
	return l, f, atomicWrite(f.HTML, buf.Bytes())
}

func atomicWrite(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
