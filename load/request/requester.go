package request

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// maxBodyBytes bounds the request bodies held in memory.
const maxBodyBytes = 512 << 20

// Requester sends one request as described by a Spec. Bodies are read into memory up
// front and the request skeleton is built once, so the per-request cost is a struct copy
// and the HTTP exchange itself. It is safe for concurrent use.
type Requester struct {
	client *http.Client
	method string
	url    *url.URL
	header http.Header
	host   string
	bodies [][]byte
	next   atomic.Uint64
}

// NewTransport returns a transport tuned for load: enough idle connections per host that
// every in-flight request can reuse one, keep-alive on, no gzip (the client must not
// spend CPU decompressing what the server's latency already paid for), no proxy from
// the environment (the target is a front door, usually on loopback). maxConns caps the
// connections (0: no cap).
func NewTransport(conns, maxConns int) *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          0,
		MaxIdleConnsPerHost:   conns,
		MaxConnsPerHost:       maxConns,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Target checks an http(s) target URL and appends path (if any) to its path.
func Target(target, path string) (*url.URL, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("load: target %q is not an http(s) URL (want e.g. http://127.0.0.1:8080/predict)", target)
	}
	if path != "" {
		// A query in the path (e.g. /work?ms=5) is the request's query, not part of the
		// path to escape.
		p, q, hasQuery := strings.Cut(path, "?")
		u.Path = strings.TrimSuffix(u.Path, "/") + p
		u.RawPath = ""
		if hasQuery {
			u.RawQuery = q
		}
	}
	return u, nil
}

// ReadBodies reads a file, or every regular file of a directory in name order, as the
// request bodies to send round-robin. Errors name the config field load.body.
func ReadBodies(path string) ([][]byte, error) {
	if path == "" {
		return nil, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load.body: %v", err)
	}
	files := []string{path}
	if fi.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("load.body: %v", err)
		}
		files = files[:0]
		for _, e := range entries {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("load.body: directory %s has no files to send", path)
		}
	}
	var bodies [][]byte
	total := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("load.body: %v", err)
		}
		if total += len(b); total > maxBodyBytes {
			return nil, fmt.Errorf("load.body: %s holds more than %d MiB; use fewer or smaller files", path, maxBodyBytes>>20)
		}
		bodies = append(bodies, b)
	}
	return bodies, nil
}

// Spec describes the request a Requester sends.
type Spec struct {
	Method    string
	URL       *url.URL
	Headers   map[string]string // a Host header sets the request's Host
	Bodies    [][]byte          // sent round-robin; none for an empty body
	Timeout   time.Duration     // per request, including reading the answer
	Transport http.RoundTripper
}

// New returns a Requester for s.
func New(s Spec) *Requester {
	h := http.Header{}
	host := ""
	for k, v := range s.Headers {
		if strings.EqualFold(k, "Host") {
			host = v
			continue
		}
		h.Set(k, v)
	}
	return &Requester{
		client: &http.Client{
			Transport: s.Transport,
			Timeout:   s.Timeout,
			// A redirect is an answer to measure, not an instruction to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		method: s.Method, url: s.URL, header: h, host: host, bodies: s.Bodies,
	}
}

// Do sends one request and reads the whole answer, returning its outcome and the
// number of body bytes read. canceled is true when ctx was canceled (a stop), in which
// case the outcome means nothing.
func (q *Requester) Do(ctx context.Context) (o Outcome, n int64, canceled bool) {
	req := &http.Request{Method: q.method, URL: q.url, Header: q.header, Host: q.host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	if len(q.bodies) > 0 {
		b := q.bodies[(q.next.Add(1)-1)%uint64(len(q.bodies))]
		req.ContentLength = int64(len(b))
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	resp, err := q.client.Do(req.WithContext(ctx))
	if err == nil {
		n, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return OtherError, n, true
	}
	if err != nil { // no answer, or one cut off while its body was read
		return Classify(0, err), n, false
	}
	return Classify(resp.StatusCode, nil), n, false
}
