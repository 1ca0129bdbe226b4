package request

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTarget(t *testing.T) {
	for _, tt := range []struct{ target, path, want string }{
		{"http://127.0.0.1:8080", "", "http://127.0.0.1:8080"},
		{"http://127.0.0.1:8080/", "/predict", "http://127.0.0.1:8080/predict"},
		{"https://front.door/v1/", "/predict", "https://front.door/v1/predict"},
		{"http://127.0.0.1:8080/a?x=1", "", "http://127.0.0.1:8080/a?x=1"},
	} {
		u, err := Target(tt.target, tt.path)
		if err != nil || u.String() != tt.want {
			t.Errorf("Target(%q, %q) = %v, %v; want %s", tt.target, tt.path, u, err, tt.want)
		}
	}
	for _, bad := range []string{"", "127.0.0.1:80", "ftp://x/", "http://", "http://[::1"} {
		if _, err := Target(bad, ""); err == nil {
			t.Errorf("Target(%q) accepted", bad)
		}
	}
}

func TestReadBodies(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b", "2")
	write("a", "1")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	bodies, err := ReadBodies(dir)
	if err != nil || len(bodies) != 2 || string(bodies[0]) != "1" || string(bodies[1]) != "2" {
		t.Errorf("ReadBodies(dir) = %q, %v; want [1 2] in name order, subdirectory skipped", bodies, err)
	}
	if b, err := ReadBodies(filepath.Join(dir, "a")); err != nil || len(b) != 1 {
		t.Errorf("ReadBodies(file) = %q, %v", b, err)
	}
	if b, err := ReadBodies(""); err != nil || b != nil {
		t.Errorf("ReadBodies(\"\") = %q, %v", b, err)
	}
	for _, bad := range []string{filepath.Join(dir, "none"), filepath.Join(dir, "sub")} {
		if _, err := ReadBodies(bad); err == nil || !strings.HasPrefix(err.Error(), "load.body: ") {
			t.Errorf("ReadBodies(%s) error %v, want one naming load.body", bad, err)
		}
	}
}

// Do sends the bodies round-robin, does not follow redirects and reports canceled
// requests apart.
func TestDo(t *testing.T) {
	var mu sync.Mutex
	var got []string
	arrived := make(chan struct{}, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
		if r.URL.Path == "/hang" {
			arrived <- struct{}{}
			<-r.Context().Done()
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	defer srv.Close()
	u, _ := Target(srv.URL, "/x")
	q := New(Spec{Method: "POST", URL: u, Bodies: [][]byte{[]byte("a"), []byte("b")}, Timeout: 5 * time.Second, Transport: NewTransport(4, 0)})
	for range 3 {
		if o, _, canceled := q.Do(context.Background()); o != Status3xx || canceled {
			t.Errorf("outcome %v canceled %v, want 3xx", o, canceled)
		}
	}
	mu.Lock()
	bodies := strings.Join(got, "")
	mu.Unlock()
	if bodies != "aba" {
		t.Errorf("bodies %q, want a, b, a", got)
	}
	hang, _ := Target(srv.URL, "/hang")
	ctx, cancel := context.WithCancel(context.Background())
	h := New(Spec{Method: "GET", URL: hang, Timeout: 5 * time.Second, Transport: NewTransport(4, 0)})
	done := make(chan bool)
	go func() { _, _, c := h.Do(ctx); done <- c }()
	<-arrived
	cancel()
	if !<-done {
		t.Error("a canceled request was not reported as canceled")
	}
}
