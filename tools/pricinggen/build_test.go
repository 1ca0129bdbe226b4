package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploybench/deploybench/pricing"
)

func TestBuildFromFixture(t *testing.T) {
	df, err := build(filepath.Join("testdata", "src"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "catalog.json.gz")
	if err := write(out, df); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := pricing.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Book("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("generated book lacks rates: %v", err)
	}
	if p, _ := b.OnDemand("t2.medium"); p != 0.0464 {
		t.Errorf("t2.medium = %v", p)
	}
	g, err := c.Instance("g5.xlarge")
	if err != nil || g.GPUs() != 1 || g.GPUMemoryGiB() != 24 {
		t.Errorf("g5.xlarge = %+v, %v", g, err)
	}
	q, err := b.Hourly("m4.large", pricing.Purchase{Kind: pricing.Reserved, Years: 1})
	if err != nil || q.PerHour != 0.062 {
		t.Errorf("RI = %+v, %v (the All Upfront row must not replace the no-upfront rate)", q, err)
	}
	if v := b.MustRate("ecsmi.fee.c6a.2xlarge"); v != 0.037 {
		t.Errorf("MI fee example = %v", v)
	}
	m := c.Meta()
	if m.Sources["ec2 specs"] != "fixture specs" || m.Sources["spot advisor"] != "fixture spot" || m.Generator == "" || len(m.Dates) == 0 {
		t.Errorf("meta = %+v", m)
	}
	// Deterministic: the same input gives the same bytes.
	out2 := filepath.Join(t.TempDir(), "again.json.gz")
	if err := write(out2, df); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	a2, _ := os.ReadFile(out2)
	if !bytes.Equal(a, a2) {
		t.Error("output is not deterministic")
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := build(t.TempDir()); err == nil || !strings.Contains(err.Error(), ".json") {
		t.Errorf("empty dir: %v", err)
	}
	dir := t.TempDir()
	for _, name := range []string{"ec2-instances.json", "ec2-reserved-us-east-1.json", "spot-advisor.json", "services-us-east-1.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "src", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "services-us-east-1.json" {
			b = []byte(strings.Replace(string(b), `"http_api_per_million_tiers": [[300e6, 1.00], [null, 0.90]]`, `"http_api_per_million_tiers": []`, 1))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := build(dir); err == nil || !strings.Contains(err.Error(), "apigw.http.per_million: no tiers") {
		t.Errorf("missing tiers: %v", err)
	}
}
