// Command httpapp is the small HTTP server the docker backend's tests run as a FROM
// scratch image: it is not deploybench, so the tests show that any image that reads
// PORT works. GET /healthz answers 200 (503 with NEVER_HEALTHY=1), /burn?ms=N spins the
// CPU for N ms of wall time (BURN_MS without ?ms), /alloc?mb=N (ALLOC_MB without ?mb) allocates and touches N MiB and keeps it.
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

func main() {
	port := os.Getenv("PORT")
	never := os.Getenv("NEVER_HEALTHY") == "1"
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if never {
			http.Error(w, "not healthy on purpose", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/burn", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil {
			ms, _ = strconv.Atoi(os.Getenv("BURN_MS"))
		}
		end := time.Now().Add(time.Duration(ms) * time.Millisecond)
		n := 0
		for time.Now().Before(end) {
			for i := 0; i < 10000; i++ {
				n += i * i
			}
		}
		fmt.Fprintln(w, n)
	})
	http.HandleFunc("/alloc", func(w http.ResponseWriter, r *http.Request) {
		mb, err := strconv.Atoi(r.URL.Query().Get("mb"))
		if err != nil {
			mb, _ = strconv.Atoi(os.Getenv("ALLOC_MB"))
		}
		for i := 0; i < mb; i++ {
			b := make([]byte, 1<<20)
			for j := range b {
				b[j] = byte(j)
			}
			mu.Lock()
			kept = append(kept, b)
			mu.Unlock()
		}
		fmt.Fprintln(w, "allocated", mb)
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello from httpapp") })
	if never {
		fmt.Println("httpapp: NEVER_HEALTHY=1, /healthz will answer 503")
	}
	fmt.Println("httpapp: listening on 127.0.0.1:" + port)
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Println("httpapp:", err)
		os.Exit(1)
	}
}
