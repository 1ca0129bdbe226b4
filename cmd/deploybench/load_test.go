package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deploybench/deploybench/load"
)

func loadServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestLoadBadInput(t *testing.T) {
	url := "http://127.0.0.1:1/"
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no url", []string{"load", "--rate", "1", "--duration", "1s"}, "accepts 1 arg"},
		{"bad url", []string{"load", "ftp://x/", "--rate", "1", "--duration", "1s"}, "not an http(s) URL"},
		{"hostless url", []string{"load", "127.0.0.1:8080", "--rate", "1", "--duration", "1s"}, "not an http(s) URL"},
		{"no model", []string{"load", url, "--duration", "1s"}, "no load given: set one of --rate"},
		{"two models", []string{"load", url, "--rate", "1", "--vus", "2", "--duration", "1s"}, "vus and rate conflict"},
		{"unbounded", []string{"load", url, "--rate", "10"}, "--duration: missing"},
		{"bad rate", []string{"load", url, "--rate", "fast", "--duration", "1s"}, "--rate:"},
		{"zero rate", []string{"load", url, "--rate", "0", "--duration", "1s"}, "--rate: must be > 0"},
		{"zero vus", []string{"load", url, "--vus", "0", "--duration", "1s"}, "--vus: must be ≥ 1"},
		{"negative requests", []string{"load", url, "--rate", "1", "--requests", "-3"}, "--requests: must be ≥ 0"},
		{"negative rate", []string{"load", url, "--rate", "-5", "--duration", "1s"}, "--rate:"},
		{"unitless duration", []string{"load", url, "--rate", "1", "--duration", "5"}, "--duration: \"5\" is not a duration"},
		{"bad stage", []string{"load", url, "--stages", "30s:200,1m:x"}, "--stages: stage 2"},
		{"stage without rate", []string{"load", url, "--stages", "30s"}, "want DURATION:RATE"},
		{"think on open", []string{"load", url, "--rate", "1", "--duration", "1s", "--think", "5ms"}, "--think: does not apply"},
		{"bad think", []string{"load", url, "--vus", "1", "--duration", "1s", "--think", "soon"}, "--think:"},
		{"bad batch", []string{"load", url, "--batch", "0x3"}, "--batch:"},
		{"bad spacing", []string{"load", url, "--rate", "1", "--duration", "1s", "--spacing", "gauss"}, "--spacing:"},
		{"bad header", []string{"load", url, "--rate", "1", "--duration", "1s", "-H", "nocolon"}, "--header:"},
		{"bad slo", []string{"load", url, "--rate", "1", "--duration", "1s", "--slo", "p95<fast"}, "--slo:"},
		{"out dir missing", []string{"load", url, "--rate", "1", "--duration", "1s", "--out", filepath.Join(dir, "no", "r.json")}, "--out:"},
		{"missing body", []string{"load", url, "--rate", "1", "--duration", "1s", "--body", filepath.Join(dir, "none")}, "--body: stat"},
		{"missing trace", []string{"load", url, "--trace", filepath.Join(dir, "none.csv")}, "--trace: open"},
		{"missing config", []string{"load", url, "--config", filepath.Join(dir, "none.yaml")}, "--config:"},
		{"unknown flag", []string{"load", url, "--rps", "5"}, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errb)
			msg := strings.TrimSpace(errb.String())
			if code != exitUsage || strings.Contains(msg, "\n") || !strings.Contains(msg, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line containing %q", code, msg, tt.want)
			}
		})
	}
}

func TestLoadWritesResults(t *testing.T) {
	url := loadServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	dir := t.TempDir()
	cfg := filepath.Join(dir, "load.yaml")
	if err := os.WriteFile(cfg, []byte("rate: 50\nduration: 10s\nspacing: poisson\nseed: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	jsonPath, csvPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "s.csv")
	var out, errb bytes.Buffer
	// the flag overrides the file's duration
	code := run(context.Background(), []string{"load", url, "--config", cfg, "--duration", "1s", "--out", jsonPath, "--csv", csvPath, "--slo", "errors<1%,p99<5s"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"load constant_rate", "p99.9", "slo: all 2 thresholds met"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	if errb.Len() != 0 {
		t.Errorf("stderr is not a terminal, yet got %q", errb.String())
	}
	f, err := os.Open(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := load.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if res.Partial || res.DurationS != 1 || res.Requests < 30 || res.Requests > 75 || len(res.Windows) == 0 {
		t.Errorf("result partial %v duration %v requests %d windows %d", res.Partial, res.DurationS, res.Requests, len(res.Windows))
	}
	csv, _ := os.ReadFile(csvPath)
	if lines := strings.Count(string(csv), "\n"); lines != len(res.Windows)+1 {
		t.Errorf("CSV has %d lines for %d windows", lines, len(res.Windows))
	}
}

func TestLoadSLOViolationExits3(t *testing.T) {
	url := loadServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"load", url, "--batch", "5x2", "--slo", "p99<10s,errors<1%,requests>=10"}, &out, &errb)
	msg := strings.TrimSpace(errb.String())
	if code != exitThreshold || msg != "deploybench: load: slo violated: errors<1% (was 100%)" {
		t.Errorf("exit %d, stderr %q", code, msg)
	}
	if !strings.Contains(out.String(), "503 10") {
		t.Errorf("summary lacks the outcomes:\n%s", out.String())
	}
}

// Ctrl-C (a canceled context) prints the partial summary and writes the JSON marked
// partial.
func TestLoadInterruptWritesPartial(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var hits atomic.Int64
	url := loadServer(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 20 {
			cancel()
		}
	})
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	var out, errb bytes.Buffer
	start := time.Now()
	code := run(ctx, []string{"load", url, "--rate", "100", "--duration", "1m", "--out", jsonPath}, &out, &errb)
	if code != exitFailure || !strings.Contains(errb.String(), "stopped early") || !strings.Contains(out.String(), "PARTIAL") {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errb.String(), out.String())
	}
	if time.Since(start) > 30*time.Second {
		t.Error("the run did not stop at the interrupt")
	}
	f, err := os.Open(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := load.ReadJSON(f)
	if err != nil || !res.Partial || res.Requests < 19 {
		t.Errorf("partial JSON: %v, partial %v, requests %d", err, res != nil && res.Partial, res.Requests)
	}
}

// --csv is streamed to PATH.partial while the run lasts and replaced by the complete
// series at the end.
func TestLoadStreamsCSV(t *testing.T) {
	url := loadServer(t, func(w http.ResponseWriter, r *http.Request) {})
	csvPath := filepath.Join(t.TempDir(), "s.csv")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int)
	var out, errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"load", url, "--rate", "50", "--duration", "1m", "--csv", csvPath}, &out, &errb)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(csvPath + ".partial")
		if strings.Count(string(b), "\n") >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no window row streamed to the .partial file")
		}
		<-time.After(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != exitFailure {
		t.Errorf("exit %d after interrupt: %s", code, errb.String())
	}
	if _, err := os.Stat(csvPath + ".partial"); !os.IsNotExist(err) {
		t.Errorf("the .partial file is left behind: %v", err)
	}
	if b, err := os.ReadFile(csvPath); err != nil || strings.Count(string(b), "\n") < 2 {
		t.Errorf("final CSV: %v, %q", err, b)
	}
}
