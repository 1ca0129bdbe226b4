package report

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/results"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s; run go test ./report -update and review the diff", name, path)
	}
}

func load(t *testing.T) *results.Loaded {
	t.Helper()
	l, err := results.Read(filepath.Join("testdata", "run"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestTableGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Table(&b, load(t).Run); err != nil {
		t.Fatal(err)
	}
	golden(t, "table.txt", b.Bytes())
}

func TestCSVGolden(t *testing.T) {
	var b bytes.Buffer
	if err := CSV(&b, load(t).Run); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.csv", b.Bytes())
}

func TestHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, load(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html", b.Bytes())
	s := b.String()
	if strings.Contains(s, "http://") && !strings.Contains(s, `xmlns="http://www.w3.org/2000/svg"`) || strings.Contains(s, "<script") || strings.Contains(s, "https://") {
		t.Error("report must be self-contained: no scripts, no external URLs")
	}
	// Every SVG must be well-formed XML so browsers render it.
	for i, part := range strings.Split(s, "<svg")[1:] {
		svg := "<svg" + part[:strings.Index(part, "</svg>")+len("</svg>")]
		if err := xml.Unmarshal([]byte(svg), new(any)); err != nil {
			t.Errorf("svg %d is not well-formed: %v", i, err)
		}
	}
	if n := strings.Count(s, "<svg"); n < 2+3*5 {
		t.Errorf("%d charts, want the scatter, the break-even and 5 per platform", n)
	}
}

func TestRecommend(t *testing.T) {
	run := load(t).Run
	rec := Recommend(run)
	if rec.Choice != "asg" {
		t.Fatalf("choice = %q, want asg (lambda is cheaper but missed the SLO)", rec.Choice)
	}
	if !strings.Contains(rec.RunnerUp, "ec2") {
		t.Errorf("runner-up = %q", rec.RunnerUp)
	}
	joined := strings.Join(rec.Flips, "\n")
	for _, want := range []string{"lambda would cost", "110 M requests/month"} {
		if !strings.Contains(joined, want) {
			t.Errorf("flips %q lack %q", joined, want)
		}
	}
	for i := range run.Platforms {
		run.Platforms[i].SLOMet = false
		run.Platforms[i].SLOViolations = []string{"p95"}
	}
	if rec := Recommend(run); rec.Choice != "" || !strings.Contains(rec.Reason, "no platform met") {
		t.Errorf("rec = %+v", rec)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("testdata", "run")
	filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, _ := os.ReadFile(p)
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	_, files, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{files.HTML, files.JSON, files.CSV} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestTicks(t *testing.T) {
	got := ticks(0, 100, 5)
	if len(got) != 6 || got[0] != 0 || got[5] != 100 {
		t.Errorf("ticks(0,100,5) = %v", got)
	}
}
