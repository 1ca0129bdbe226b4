package ecstest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/fleet/live"
	"github.com/deploybench/deploybench/platform/fleet/live/livetest"
)

// AppEnv, set to "1", makes a test binary's TestMain run ServeMemoryApp: the app of the
// out-of-memory live tests.
const AppEnv = "DEPLOYBENCH_ECSTEST_APP"

var (
	heldMu sync.Mutex
	held   [][]byte
)

// ServeMemoryApp is a tiny app whose memory a test controls: GET /healthz answers 200;
// GET /alloc?mb=N allocates N MiB, touches every page and keeps it, then answers 200 —
// unless the kernel kills the app at its memory limit first. It exits 0 on SIGTERM.
func ServeMemoryApp() {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/alloc", func(w http.ResponseWriter, r *http.Request) {
		mb, err := strconv.Atoi(r.URL.Query().Get("mb"))
		if err != nil || mb <= 0 || mb > 4096 {
			http.Error(w, "mb must be in 1..4096", http.StatusBadRequest)
			return
		}
		b := make([]byte, mb<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		heldMu.Lock()
		held = append(held, b)
		heldMu.Unlock()
		fmt.Fprintln(w, "allocated", mb)
	})
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", os.Getenv("PORT")))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(2)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
		<-c
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		os.Exit(1)
	}
	os.Exit(0)
}

// MemoryWorld is livetest.World for ServeMemoryApp: the same recording process backend,
// with a live driver running the test binary as that app. It reports whether memory
// limits are enforced (the backend has cgroups).
func MemoryWorld(t testing.TB, vcpuFraction float64) (*live.Driver, *livetest.RecordingBackend, bool) {
	t.Helper()
	_, rb := livetest.World(t, vcpuFraction)
	drv, err := live.NewDriver(rb, live.App{
		Command: []string{os.Args[0], "-test.run=^$"}, Env: map[string]string{AppEnv: "1"},
		HealthPath: "/healthz", StartupTimeout: 20 * time.Second,
	}, vcpuFraction, nil)
	if err != nil {
		t.Fatal(err)
	}
	cg, ok := rb.Backend.(interface{ Cgroups() bool })
	return drv, rb, ok && cg.Cgroups()
}
