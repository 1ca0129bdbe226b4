package calibrate

import (
	"context"
	"crypto/sha256"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/runtime"
)

// appEnv makes the test binary serve as the app under calibration.
const appEnv = "DEPLOYBENCH_CALIBRATE_TEST_APP"

func TestMain(m *testing.M) {
	if os.Getenv(appEnv) == "1" {
		serveTestApp()
		return
	}
	os.Exit(m.Run())
}

// serveTestApp is a small CPU-bound HTTP app: /work hashes for about a millisecond.
func serveTestApp() {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		b := []byte("deploybench")
		for i := 0; i < 2000; i++ {
			s := sha256.Sum256(b)
			b = s[:]
		}
		w.Write(b)
	})
	_ = http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), mux)
}

// TestRunMeasuresARealApp starts the test app for real at two allowances and checks
// that the calibration is complete and plausible.
func TestRunMeasuresARealApp(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	b, err := runtime.NewProcess(runtime.ProcessOptions{VCPUFraction: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	t.Setenv(appEnv, "1")
	cal, err := Run(context.Background(), Options{
		Backend: b, Name: "test-app",
		App:        runtime.Spec{Command: []string{os.Args[0]}, HealthPath: "/healthz", MemoryMiB: 256},
		Allowances: []float64{1, 2}, Requests: 100, Warmup: 10, Rate: 100, Path: "/work",
		StartupTimeout: 30 * time.Second, LoadedDuration: time.Second, HostRates: []float64{50, 200},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cal.Allowances) != 2 || cal.StartupMs <= 0 || cal.MemoryMiB <= 0 || cal.VCPUFraction != 0.5 {
		t.Fatalf("calibration: %+v", cal)
	}
	if h := cal.HostLoad; h == nil || h.VCPU != 2 || len(h.Rates) != 2 || h.Rates[1].RPS != 200 || h.Rates[0].Requests != 200 || !(h.Rates[1].ServiceMs[50] > 0) {
		t.Errorf("host load %+v: want two rounds of 100 requests at 50 and 200 req/s on one host core (2 vCPU at 0.5)", h)
	}
	for _, a := range cal.Allowances {
		if a.Requests != 100 || !(a.ServiceMs[50] > 0) || !(a.CPUMsPerRequest > 0) || a.ServiceMs[100] < a.ServiceMs[50] {
			t.Errorf("allowance %v: %d requests, p50 %v ms, CPU %v ms", a.VCPU, a.Requests, a.ServiceMs[50], a.CPUMsPerRequest)
		}
		if l := a.Loaded; l == nil || !(l.RPS > a.RPS) || !(l.CPUMsPerRequest > 0) || l.Requests < 200 {
			t.Errorf("allowance %v: loaded measurement %+v, want one above %v req/s", a.VCPU, l, a.RPS)
		}
	}
}

func TestRunNeedsAnApp(t *testing.T) {
	if _, err := Run(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("err %v", err)
	}
}
