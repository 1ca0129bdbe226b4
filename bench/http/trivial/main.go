// Command trivial is the baseline of the HTTP benchmark in bench/http: the least a Go
// HTTP service can do per POST (read the body, answer a small constant JSON), served by
// the same net/http stack as deploybench serve, so that /predict's rate can be compared
// with it on the same machine in the same run.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address; port 0 picks a free port")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("trivial: %v", err)
	}
	// The first line on stdout is the address, for the benchmark script.
	fmt.Fprintln(os.Stdout, ln.Addr().String())
	answer := []byte(`{"digit":0}` + "\n")
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	log.Fatalf("trivial: %v", err)
}
