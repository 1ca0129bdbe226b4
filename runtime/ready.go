package runtime

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// ReadyPoll bounds the interval between readiness probes; probes start at 2 ms and
// double, so a fast app is seen ready within a few milliseconds of listening. Every
// backend polls this way.
const ReadyPoll = 50 * time.Millisecond

// probeClient probes health paths; no keep-alive, so a probe never holds a connection
// the app has to drain at stop.
var probeClient = &http.Client{
	Timeout:   2 * time.Second,
	Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
}

// WaitReady blocks until the app answers 200 on the health path (or, without a health
// path, accepts TCP connections), the app exits, or ctx ends.
func (in *procInstance) WaitReady(ctx context.Context) error {
	wait := 2 * time.Millisecond
	for {
		if in.probe(ctx) {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-in.done:
			t.Stop()
			return fmt.Errorf("runtime: instance %s exited before it was ready (%s)%s", in.id, in.ExitReason(), lastLogLine(in.logPath))
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("runtime: instance %s not ready: %w", in.id, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, ReadyPoll)
	}
}

// probe tries the health check once.
func (in *procInstance) probe(ctx context.Context) bool {
	return Probe(ctx, in.Addr(), in.spec.HealthPath)
}

// Probe checks once whether the app at addr (host:port) is ready: 200 on healthPath, or,
// without a health path, accepting TCP connections. Every backend probes this way.
func Probe(ctx context.Context, addr, healthPath string) bool {
	if healthPath == "" {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return false
		}
		c.Close()
		return true
	}
	if !strings.HasPrefix(healthPath, "/") {
		healthPath = "/" + healthPath
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+healthPath, nil)
	if err != nil {
		return false
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// lastLogLine returns "; last log line: ..." from the end of an instance log, or "".
func lastLogLine(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > 8192 {
		_, _ = f.Seek(-8192, io.SeekEnd)
	}
	var last string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "# deploybench instance") {
			last = s
		}
	}
	if last == "" {
		return ""
	}
	if len(last) > 200 {
		last = last[:200] + "…"
	}
	return "; last log line: " + last
}
