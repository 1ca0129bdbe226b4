package awsrun

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deploybench/deploybench/pricing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The printed plan is pinned: stacks, resources, itemised estimate and total.
func TestPlanGolden(t *testing.T) {
	s, _ := testScenario(t)
	stacks, err := testExport(s, "r1")
	if err != nil {
		t.Fatal(err)
	}
	tpls := make([]*template, len(stacks))
	for i, st := range stacks {
		if tpls[i], err = parseTemplate(st.Name, st.Template); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	book, _ := cat.Book("us-east-1")
	e, err := estimate(stacks, tpls, s, book, DefaultOverhead+time.Second, 22)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	writePlan(&got, stacks, tpls, e)
	path := filepath.Join("testdata", "plan.golden")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("plan differs from %s:\n--- got\n%s--- want\n%s", path, got.Bytes(), want)
	}
}
