package fleettest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// AppEnv, set to "1" in a test binary's environment, makes TestMain run ServeApp instead
// of the tests: the test binary is then the app under test of live tests (the
// test-binary-as-child pattern), so they need nothing but Go.
const AppEnv = "DEPLOYBENCH_FLEETTEST_APP"

// AppCommand is the argv that runs the current test binary as the app; PORT tells it
// where to listen.
func AppCommand() []string { return []string{os.Args[0], "-test.run=^$"} }

// ServeApp is a tiny app under test: GET /healthz answers 200, GET /work?ms=N spins the
// CPU for N milliseconds (default 10) and answers 200 with the instance's port, so load
// tests can see which instance served them. It exits 0 on SIGTERM.
func ServeApp() {
	port := os.Getenv("PORT")
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil || ms <= 0 || ms > 1000 {
			ms = 10
		}
		spin(time.Duration(ms) * time.Millisecond)
		fmt.Fprintln(w, port)
	})
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
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

// spin keeps one CPU busy for d of wall time.
func spin(d time.Duration) {
	end := time.Now().Add(d)
	x := uint64(1)
	for time.Now().Before(end) {
		for i := 0; i < 1000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	if x == 42 {
		fmt.Fprint(os.Stderr, "")
	}
}

// Main is a TestMain for packages with live tests: it runs ServeApp when the binary was
// started as the app, the tests otherwise.
func Main(m interface{ Run() int }) {
	if os.Getenv(AppEnv) == "1" {
		ServeApp()
		return
	}
	os.Exit(m.Run())
}
