package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deploybench/deploybench/mnist"
	"github.com/deploybench/deploybench/server"
)

// TestServeHelperProcess is not a test: it is the child process of the serve tests,
// running the CLI with the arguments after "--" so that SIGTERM reaches a real process.
func TestServeHelperProcess(t *testing.T) {
	if os.Getenv("DEPLOYBENCH_HELPER_PROCESS") != "1" {
		t.Skip("helper process for TestServe*")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// servedProcess is a `deploybench serve` child process.
type servedProcess struct {
	cmd    *exec.Cmd
	ready  readyLine
	stderr *lockedBuffer
	exited chan struct{} // closed when the process has been waited for
}

// lockedBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs `deploybench serve args...` as a child and waits for its ready line.
func startServe(t *testing.T, env []string, args ...string) *servedProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestServeHelperProcess$", "--", "serve"}, args...)...)
	cmd.Env = append(append(os.Environ(), "DEPLOYBENCH_HELPER_PROCESS=1"), env...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &servedProcess{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	readyc := make(chan readyLine, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			p.stderr.Write([]byte(line + "\n"))
			var r readyLine
			if strings.HasPrefix(line, `{"event":"ready"`) && json.Unmarshal([]byte(line), &r) == nil {
				readyc <- r
			}
		}
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
		}
	})
	select {
	case p.ready = <-readyc:
	case <-p.exited:
		t.Fatalf("serve exited before ready (%s): %s", p.cmd.ProcessState, p.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve not ready: %s", p.stderr)
	}
	return p
}

// terminate sends SIGTERM and returns the exit code.
func (p *servedProcess) terminate(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not exit after SIGTERM: %s", p.stderr)
	}
	return p.cmd.ProcessState.ExitCode()
}

// testDigits returns n labelled digits of the embedded test split as PNG bodies.
func testDigits(t *testing.T, n int) []server.Sample {
	t.Helper()
	s, err := demoSamples(n)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func post(t *testing.T, url, ct string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url, ct, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestServeProcessPredictsRealDigitsAndDrainsOnSIGTERM(t *testing.T) {
	p := startServe(t, nil, "--model", "builtin:mlp", "--addr", "127.0.0.1:0")
	base := "http://" + p.ready.Addr
	if p.ready.StartupSeconds <= 0 || p.ready.Model.Kind != "mlp" || !strings.Contains(p.stderr.String(), "(exec→ready") {
		t.Errorf("ready line %+v; stderr %s", p.ready, p.stderr)
	}
	digits := testDigits(t, 10)
	right := 0
	for _, d := range digits {
		code, b := post(t, base+"/predict", "image/png", d.Body)
		var a struct{ Digit int }
		if code != 200 || json.Unmarshal(b, &a) != nil {
			t.Fatalf("%d %s", code, b)
		}
		if a.Digit == d.Label {
			right++
		}
	}
	if right < 9 {
		t.Errorf("%d of 10 digits right", right)
	}
	if code, b := post(t, base+"/predict", "", []byte("garbage")); code != 400 || !strings.Contains(string(b), `"error"`) {
		t.Errorf("garbage: %d %s", code, b)
	}
	if code, _ := post(t, base+"/predict", "image/png", digits[0].Body); code != 200 {
		t.Errorf("good request after garbage: %d", code)
	}
	if code := p.terminate(t); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0; stderr %s", code, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "shut down cleanly") {
		t.Errorf("no clean shutdown in stderr: %s", p.stderr)
	}
}

func TestServeUsesPORTAndModelFile(t *testing.T) {
	m, info, err := mnist.Builtin("mlp")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.bin")
	info.Name = "file-mlp"
	if err := mnist.WriteFile(path, m, info); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, []string{"PORT=0"}, "--model", path, "--heavy", "2")
	if !strings.HasPrefix(p.ready.Addr, "127.0.0.1:") || !strings.HasPrefix(p.ready.Model.Name, "file-mlp") {
		t.Errorf("ready %+v, want 127.0.0.1 and the file's model", p.ready)
	}
	resp, err := http.Get("http://" + p.ready.Addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/healthz %d", resp.StatusCode)
	}
	if code := p.terminate(t); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func TestServeBadInput(t *testing.T) {
	corrupt := filepath.Join(t.TempDir(), "corrupt.bin")
	if err := os.WriteFile(corrupt, []byte("definitely not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"unknown builtin", []string{"--model", "builtin:cnn"}, "", "--model"},
		{"missing file", []string{"--model", filepath.Join(t.TempDir(), "none.bin")}, "", "--model"},
		{"corrupt file", []string{"--model", corrupt, "--addr", "127.0.0.1:0"}, "", "model"},
		{"negative inflight", []string{"--max-inflight", "-1"}, "", "--max-inflight"},
		{"zero heavy", []string{"--heavy", "0"}, "", "--heavy"},
		{"bad addr", []string{"--addr", "nonsense"}, "", "--addr"},
		{"bad PORT", nil, "abc", "PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("PORT", tt.env)
			}
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"serve"}, tt.args...), &out, &errb)
			msg := errb.String()
			lines := strings.Split(strings.TrimSpace(msg), "\n")
			if code != exitUsage || !strings.Contains(lines[len(lines)-1], tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d naming %s", code, msg, exitUsage, tt.want)
			}
		})
	}
}

func TestDemo(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"selftest", "--samples", "12"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"ready in", "truth", "accuracy ", "/12", "server shut down cleanly"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestImagePathKeepsAccuracy checks that the server's image path (PNG in, MNIST-style
// preprocessing) costs the real model no accuracy compared with the raw dataset pixels.
func TestImagePathKeepsAccuracy(t *testing.T) {
	split, err := mnist.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := mnist.Builtin("mlp")
	if err != nil {
		t.Fatal(err)
	}
	n := min(300, split.Test.Len())
	direct, viaPNG := 0, 0
	for i := range n {
		x := split.Test.Image(i)
		label := int(split.Test.Labels[i])
		if mnist.Argmax(m.Predict(x)) == label {
			direct++
		}
		body, err := server.EncodePNG(x)
		if err != nil {
			t.Fatal(err)
		}
		y, err := server.DecodeImage(body, 0)
		if err != nil {
			t.Fatalf("digit %d: %v", i, err)
		}
		if mnist.Argmax(m.Predict(y)) == label {
			viaPNG++
		}
	}
	if viaPNG < direct-3 {
		t.Errorf("accuracy via PNG %d/%d, raw pixels %d/%d", viaPNG, n, direct, n)
	}
}

// TestAddrFromEnv: loopback and 8080 unless HOST and PORT say otherwise; bad values are
// one-line errors naming the variable.
func TestAddrFromEnv(t *testing.T) {
	for _, c := range []struct{ host, port, want, err string }{
		{"", "", "127.0.0.1:8080", ""},
		{"", "9000", "127.0.0.1:9000", ""},
		{"0.0.0.0", "", "0.0.0.0:8080", ""},
		{"0.0.0.0", "80", "0.0.0.0:80", ""},
		{"::", "80", "[::]:80", ""},
		{"", "http", "", "PORT"},
		{"", "70000", "", "PORT"},
		{"example.com", "80", "", "HOST"},
	} {
		got, err := addrFromEnv(c.host, c.port)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("HOST=%q PORT=%q: %v, want an error naming %s", c.host, c.port, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("HOST=%q PORT=%q: %q, %v; want %q", c.host, c.port, got, err, c.want)
		}
	}
}
