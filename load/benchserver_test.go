package load

import (
	"net"
	"net/http"
	"testing"
)

// benchServer serves srv on a fresh 127.0.0.1 port for a benchmark.
func benchServer(b *testing.B, srv *http.Server) (string, func()) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }
}
