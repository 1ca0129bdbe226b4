package report

import (
	"bytes"
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/results"
)

func loadCompare(t *testing.T) *Comparison {
	t.Helper()
	l, err := results.Read(filepath.Join("testdata", "compare-local"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := results.Read(filepath.Join("testdata", "compare-aws"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(l.Run, a.Run)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCompareTableGolden(t *testing.T) {
	var b bytes.Buffer
	if err := CompareTable(&b, loadCompare(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.txt", b.Bytes())
}

func TestCompareCSVGolden(t *testing.T) {
	var b bytes.Buffer
	if err := CompareCSV(&b, loadCompare(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.csv", b.Bytes())
}

func TestCompareHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := CompareHTML(&b, loadCompare(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.html", b.Bytes())
	s := b.String()
	if strings.Contains(s, "<script") || strings.Contains(s, "https://") {
		t.Error("compare.html must be self-contained")
	}
	for i, part := range strings.Split(s, "<svg")[1:] {
		svg := "<svg" + part[:strings.Index(part, "</svg>")+len("</svg>")]
		if err := xml.Unmarshal([]byte(svg), new(any)); err != nil {
			t.Errorf("svg %d is not well-formed: %v", i, err)
		}
	}
}

func TestCompareDeltas(t *testing.T) {
	c := loadCompare(t)
	tests := []struct {
		name             string
		ok               bool
		p95, relP95, err float64
		peak             float64
	}{
		{"ec2", true, 45.1 - 21.5, 45.1/21.5 - 1, 0, 0},
		{"asg", true, 60, 0.5, 0.004, 1},
		{"lambda", true, 15, 15.0 / 95, 0, 1},
		{"fargate", false, 0, 0, 0, 0},
	}
	if len(c.Pairs) != len(tests) {
		t.Fatalf("%d pairs, want %d", len(c.Pairs), len(tests))
	}
	for i, tt := range tests {
		p := c.Pairs[i]
		if p.Name != tt.name {
			t.Fatalf("pair %d = %s, want %s", i, p.Name, tt.name)
		}
		d, ok := p.Delta()
		if ok != tt.ok {
			t.Fatalf("%s: ok = %v", tt.name, ok)
		}
		if !ok {
			continue
		}
		near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
		if !near(d.P95, tt.p95) || !near(d.RelP95, tt.relP95) || !near(d.ErrorRate, tt.err) || d.Peak != tt.peak {
			t.Errorf("%s: delta %+v", tt.name, d)
		}
	}
}

func TestCompareRefuses(t *testing.T) {
	local := results.Run{Scenario: "s"}
	aws := results.Run{Scenario: "s", Source: results.SourceAWS}
	other := results.Run{Scenario: "t", Source: results.SourceAWS}
	tests := []struct {
		name     string
		l, a     results.Run
		wantText string
	}{
		{"swapped", aws, local, "give LOCAL_DIR first"},
		{"two local", local, local, "not from 'deploybench aws run'"},
		{"two aws", aws, aws, "both directories are AWS runs"},
		{"other scenario", local, other, "different scenarios"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compare(tt.l, tt.a)
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantText)
			}
		})
	}
}

func TestWriteCompare(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new", "dir")
	c, files, err := WriteCompare(filepath.Join("testdata", "compare-local"), filepath.Join("testdata", "compare-aws"), out)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Pairs) != 4 {
		t.Errorf("%d pairs", len(c.Pairs))
	}
	for _, f := range []string{files.HTML, files.CSV} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, _, err := WriteCompare(filepath.Join("testdata", "compare-aws"), filepath.Join("testdata", "compare-local"), out); err == nil {
		t.Error("swapped directories were accepted")
	}
}
