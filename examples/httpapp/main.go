// Command httpapp is a small HTTP server that is not deploybench, to run as your own
// container image on any platform with runtime: docker (see examples/README.md). It
// listens on 127.0.0.1:$PORT, as the docker runtime requires: every container shares
// the host network, each on its own loopback port.
//
//	GET /healthz      200 (the readiness and health-check path)
//	GET /work?ms=N    spins the CPU for N ms of wall time (WORK_MS when ?ms is absent)
//	GET /alloc?mb=N   allocates N MiB more and keeps it (ALLOC_MB when ?mb is absent):
//	                  enough requests exceed the task's memory and get it OOM-killed
//	GET /             a greeting
package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

var (
	mu   sync.Mutex
	kept [][]byte
)

// param is the query value of name, or the environment variable env without it.
func param(r *http.Request, name, env string) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		n, _ = strconv.Atoi(os.Getenv(env))
	}
	return n
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		fmt.Fprintln(os.Stderr, "httpapp: PORT is not set (deploybench sets it)")
		os.Exit(2)
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		end := time.Now().Add(time.Duration(param(r, "ms", "WORK_MS")) * time.Millisecond)
		n := 0
		for time.Now().Before(end) {
			for i := range 10000 {
				n += i * i
			}
		}
		fmt.Fprintln(w, n)
	})
	http.HandleFunc("/alloc", func(w http.ResponseWriter, r *http.Request) {
		mb := param(r, "mb", "ALLOC_MB")
		for range mb {
			b := make([]byte, 1<<20)
			for j := range b {
				b[j] = byte(j) // touch every page, so the memory is really used
			}
			mu.Lock()
			kept = append(kept, b)
			mu.Unlock()
		}
		fmt.Fprintln(w, "allocated", mb, "MiB")
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello from httpapp") })
	fmt.Println("httpapp: listening on 127.0.0.1:" + port)
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Fprintln(os.Stderr, "httpapp:", err)
		os.Exit(1)
	}
}
