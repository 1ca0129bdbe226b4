package runtime

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary act as the app under test (TestMain re-exec): "server"
// runs a small HTTP server, "sleep" just blocks (a grandchild for process-group tests).
const helperEnv = "DEPLOYBENCH_RUNTIME_TEST_HELPER"

// Behaviour switches of the helper server.
const (
	helperIgnoreTerm = "HELPER_IGNORE_TERM" // "1": ignore SIGTERM, so Stop must kill
	helperFailStart  = "HELPER_FAIL_START"  // "1": print a reason and exit 3 at once
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "server":
		helperServer()
		os.Exit(0)
	case "sleep":
		select {} // killed by the test
	}
	os.Exit(m.Run())
}

// helperCommand is the argv that runs the helper server, with the port passed both as
// a {port} argument and (by the backend) in PORT.
func helperCommand() []string { return []string{os.Args[0], "--port={port}"} }

// helperServer is the app under test: /healthz, /burn (spin CPU), /alloc (touch memory),
// /spawn (start a grandchild), /env (read a variable).
func helperServer() {
	if os.Getenv(helperFailStart) == "1" {
		fmt.Fprintln(os.Stderr, "boom: model file missing")
		os.Exit(3)
	}
	port := ""
	for _, a := range os.Args[1:] {
		if v, ok := strings.CutPrefix(a, "--port="); ok {
			port = v
		}
	}
	if port != os.Getenv("PORT") {
		fmt.Fprintf(os.Stderr, "argument port %q differs from PORT %q\n", port, os.Getenv("PORT"))
		os.Exit(4)
	}
	if os.Getenv(helperIgnoreTerm) == "1" {
		signal.Ignore(syscall.SIGTERM)
	} else {
		go func() {
			c := make(chan os.Signal, 1)
			signal.Notify(c, syscall.SIGTERM)
			<-c
			os.Exit(0) // a graceful app: exit 0 on SIGTERM
		}()
	}
	var (
		mu   sync.Mutex
		hold [][]byte
	)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, os.Getenv(r.URL.Query().Get("k"))) })
	mux.HandleFunc("/burn", func(w http.ResponseWriter, r *http.Request) {
		d, _ := time.ParseDuration(r.URL.Query().Get("d"))
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		var wg sync.WaitGroup
		end := time.Now().Add(d)
		for range max(n, 1) {
			wg.Go(func() {
				x := 0
				for time.Now().Before(end) {
					for i := range 10000 {
						x += i
					}
				}
				_ = x
			})
		}
		wg.Wait()
		fmt.Fprintln(w, "burnt")
	})
	mux.HandleFunc("/alloc", func(w http.ResponseWriter, r *http.Request) {
		mb, _ := strconv.Atoi(r.URL.Query().Get("mb"))
		for range mb {
			b := make([]byte, 1<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			mu.Lock()
			hold = append(hold, b)
			mu.Unlock()
		}
		runtime.KeepAlive(hold)
		fmt.Fprintln(w, "allocated")
	})
	mux.HandleFunc("/spawn", func(w http.ResponseWriter, r *http.Request) {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), helperEnv+"=sleep")
		if err := cmd.Start(); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		go cmd.Wait()
		fmt.Fprint(w, cmd.Process.Pid)
	})
	if err := http.ListenAndServe("127.0.0.1:"+port, mux); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(5)
	}
}
