package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// do sends one request and returns the status, headers and body.
func do(t *testing.T, method, url, contentType string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

type predictAnswer struct {
	Digit         int       `json:"digit"`
	Probabilities []float64 `json:"probabilities"`
	Predictions   []struct {
		Digit         int       `json:"digit"`
		Probabilities []float64 `json:"probabilities"`
	} `json:"predictions"`
	Model         ModelInfo `json:"model"`
	ComputeMicros *float64  `json:"compute_us"`
	InferMicros   *float64  `json:"inference_us"`
}

func TestPredict(t *testing.T) {
	ts := startServer(t, Config{})
	ts.waitReady(t)
	for glyph, class := range classes {
		t.Run("png "+glyph, func(t *testing.T) {
			body := pngBytes(t, render(glyph, 300, 200, 100, 20, 120, 150, 30, 240))
			code, h, b := do(t, "POST", ts.url+"/predict", "image/png", bytes.NewReader(body))
			if code != 200 || h.Get("Content-Type") != "application/json" {
				t.Fatalf("%d %s: %s", code, h.Get("Content-Type"), b)
			}
			var a predictAnswer
			if err := json.Unmarshal(b, &a); err != nil {
				t.Fatalf("%v: %s", err, b)
			}
			if a.Digit != class || len(a.Probabilities) != 10 || a.Model.Name != "fake" || a.Model.Version != "v1" || a.Model.Kind != "fake" || a.ComputeMicros == nil || a.InferMicros == nil {
				t.Errorf("answer %s, want digit %d with 10 probabilities, model fake v1 and times", b, class)
			}
		})
	}
	x, _ := Preprocess(render("bar", 28, 28, 4, 4, 20, 20, 0, 255))
	pix, _ := json.Marshal(x)
	t.Run("json pixels, sniffed", func(t *testing.T) {
		code, _, b := do(t, "POST", ts.url+"/predict", "", bytes.NewReader([]byte(`{"pixels":`+string(pix)+`}`)))
		var a predictAnswer
		if code != 200 || json.Unmarshal(b, &a) != nil || a.Digit != 1 {
			t.Fatalf("%d %s", code, b)
		}
	})
	t.Run("json batch", func(t *testing.T) {
		ring, _ := Preprocess(render("ring", 28, 28, 4, 4, 20, 20, 0, 255))
		rp, _ := json.Marshal(ring)
		code, _, b := do(t, "POST", ts.url+"/predict", "application/json", strings.NewReader(`{"batch":[`+string(pix)+`,`+string(rp)+`]}`))
		var a predictAnswer
		if code != 200 || json.Unmarshal(b, &a) != nil || len(a.Predictions) != 2 || a.Predictions[0].Digit != 1 || a.Predictions[1].Digit != 0 {
			t.Fatalf("%d %s", code, b)
		}
	})
}

// zeros is an endless reader of zero bytes that does not hold them in memory.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestBadInputsGet4xxAndServerKeepsServing(t *testing.T) {
	ts := startServer(t, Config{})
	ts.waitReady(t)
	good := pngBytes(t, render("ring", 28, 28, 4, 4, 20, 20, 0, 255))
	const fifty = 50 << 20
	tests := []struct {
		name, method, path, ct string
		body                   func() io.Reader
		length                 int64 // -1: chunked
		code                   int
		want                   string
	}{
		{"garbage bytes", "POST", "/predict", "application/octet-stream", func() io.Reader { return strings.NewReader("\x00\x13garbage\xff") }, 0, 400, "neither a PNG"},
		{"empty body", "POST", "/predict", "", func() io.Reader { return http.NoBody }, 0, 400, "empty body"},
		{"50 MB body", "POST", "/predict", "image/png", func() io.Reader { return io.LimitReader(zeros{}, fifty) }, fifty, 413, "10485760-byte limit"},
		{"50 MB chunked body", "POST", "/predict", "image/png", func() io.Reader { return io.LimitReader(zeros{}, fifty) }, -1, 413, "10485760-byte limit"},
		{"wrong JSON shape", "POST", "/predict", "application/json", func() io.Reader { return strings.NewReader(`{"image":"abc"}`) }, 0, 400, `unknown JSON field "image"`},
		{"wrong pixel count", "POST", "/predict", "application/json", func() io.Reader { return strings.NewReader(`{"pixels":[0,1]}`) }, 0, 400, "has 2 values, want 784"},
		{"NaN", "POST", "/predict", "application/json", func() io.Reader { return strings.NewReader(`{"pixels":[NaN]}`) }, 0, 400, "expected a number"},
		{"broken JSON", "POST", "/predict", "application/json", func() io.Reader { return strings.NewReader(`{"pixels":[0.1,`) }, 0, 400, "invalid JSON"},
		{"image decode failure", "POST", "/predict", "image/png", func() io.Reader { return bytes.NewReader(good[:40]) }, 0, 400, "cannot decode PNG"},
		{"blank image", "POST", "/predict", "", func() io.Reader { return bytes.NewReader(pngBytes(t, render("ring", 9, 9, 0, 0, 0, 0, 0, 255))) }, 0, 400, "no visible digit"},
		{"GET predict", "GET", "/predict", "", func() io.Reader { return http.NoBody }, 0, 405, "use POST"},
		{"POST healthz", "POST", "/healthz", "", func() io.Reader { return http.NoBody }, 0, 405, "use GET"},
		{"unknown path", "GET", "/nope", "", func() io.Reader { return http.NoBody }, 0, 404, "no such path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, ts.url+tt.path, tt.body())
			if err != nil {
				t.Fatal(err)
			}
			if tt.length != 0 {
				req.ContentLength = tt.length
			}
			if tt.ct != "" {
				req.Header.Set("Content-Type", tt.ct)
			}
			resp, err := testClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var e struct{ Error string }
			if resp.StatusCode != tt.code || resp.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &e) != nil || !strings.Contains(e.Error, tt.want) {
				t.Fatalf("%d %s %s; want %d with a JSON error containing %q", resp.StatusCode, resp.Header.Get("Content-Type"), b, tt.code, tt.want)
			}
			if tt.code == 405 && resp.Header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
			code, _, b := do(t, "POST", ts.url+"/predict", "image/png", bytes.NewReader(good))
			if code != 200 {
				t.Fatalf("good request after %s: %d %s", tt.name, code, b)
			}
		})
	}
}

// metricsOf scrapes and parses /metrics.
func metricsOf(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	code, h, b := do(t, "GET", url+"/metrics", "", nil)
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", code, h.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return fams
}

func gaugeValue(t *testing.T, fams map[string]*dto.MetricFamily, name string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok || len(f.Metric) == 0 {
		t.Fatalf("metric %s missing", name)
	}
	return f.Metric[0].GetGauge().GetValue()
}

func TestHealthzAndMetricsAcrossLoading(t *testing.T) {
	release := make(chan struct{})
	fm := newFakeModel(t)
	ts := startServer(t, Config{Loader: func(ctx context.Context) (Model, ModelInfo, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ModelInfo{}, ctx.Err()
		}
		return fm, ModelInfo{Name: "fake", Version: "v2"}, nil
	}})

	code, h, b := do(t, "GET", ts.url+"/healthz", "", nil)
	if code != 503 || h.Get("Retry-After") == "" || !strings.Contains(string(b), "loading") {
		t.Fatalf("/healthz while loading: %d %q %s", code, h.Get("Retry-After"), b)
	}
	if code, _, b := do(t, "POST", ts.url+"/predict", "", strings.NewReader("{}")); code != 503 {
		t.Fatalf("/predict while loading: %d %s", code, b)
	}
	fams := metricsOf(t, ts.url)
	if v := gaugeValue(t, fams, "deploybench_model_loaded"); v != 0 {
		t.Errorf("model_loaded %v while loading", v)
	}

	close(release)
	ts.waitReady(t)
	code, _, b = do(t, "GET", ts.url+"/healthz", "", nil)
	if code != 200 || !strings.Contains(string(b), `"version":"v2"`) {
		t.Fatalf("/healthz after load: %d %s", code, b)
	}
	do(t, "POST", ts.url+"/predict", "", strings.NewReader("garbage"))
	do(t, "POST", ts.url+"/predict", "", bytes.NewReader(pngBytes(t, render("bar", 28, 28, 4, 4, 20, 20, 0, 255))))

	fams = metricsOf(t, ts.url)
	if v := gaugeValue(t, fams, "deploybench_startup_seconds"); v <= 0 || v != ts.Startup().Seconds() {
		t.Errorf("startup_seconds %v, want %v > 0", v, ts.Startup().Seconds())
	}
	if v := gaugeValue(t, fams, "deploybench_model_loaded"); v != 1 {
		t.Errorf("model_loaded %v after load", v)
	}
	for _, name := range []string{"deploybench_http_in_flight_requests", "deploybench_model_info", "process_cpu_seconds_total", "go_goroutines"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("metric %s missing", name)
		}
	}
	codes := map[string]float64{}
	for _, m := range fams["deploybench_http_requests_total"].GetMetric() {
		lab := map[string]string{}
		for _, l := range m.Label {
			lab[l.GetName()] = l.GetValue()
		}
		if lab["handler"] == "predict" {
			codes[lab["code"]] += m.GetCounter().GetValue()
		}
	}
	if codes["200"] != 1 || codes["400"] != 1 || codes["503"] != 1 {
		t.Errorf("predict requests by code %v, want one each of 200, 400, 503", codes)
	}
	var hist *dto.Histogram
	for _, m := range fams["deploybench_http_request_duration_seconds"].GetMetric() {
		for _, l := range m.Label {
			if l.GetValue() == "predict" {
				hist = m.GetHistogram()
			}
		}
	}
	if hist == nil || hist.GetSampleCount() != 3 {
		t.Errorf("predict latency histogram %v, want 3 samples", hist)
	}
}

// startGated starts a server whose model blocks until released, with limit concurrency.
func startGated(t *testing.T, limit int, grace time.Duration) (*testServer, *gateModel) {
	gm := &gateModel{entered: make(chan struct{}, 16), release: make(chan struct{})}
	ts := startServer(t, Config{MaxInflight: limit, ShutdownGrace: grace, Loader: func(context.Context) (Model, ModelInfo, error) {
		return gm, ModelInfo{Name: "gate"}, nil
	}})
	ts.waitReady(t)
	return ts, gm
}

// postAsync posts a digit and delivers the status code on the returned channel.
func postAsync(t *testing.T, url string) <-chan int {
	body := pngBytes(t, render("ring", 28, 28, 4, 4, 20, 20, 0, 255))
	ch := make(chan int, 1)
	go func() {
		resp, err := testClient.Post(url+"/predict", "image/png", bytes.NewReader(body))
		if err != nil {
			ch <- -1
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ch <- resp.StatusCode
	}()
	return ch
}

func waitEntered(t *testing.T, gm *gateModel, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-gm.entered:
		case <-time.After(30 * time.Second):
			t.Fatalf("only %d of %d requests reached the model", i, n)
		}
	}
}

func TestSaturationAnswers503WithRetryAfter(t *testing.T) {
	ts, gm := startGated(t, 2, 0)
	a, b := postAsync(t, ts.url), postAsync(t, ts.url)
	waitEntered(t, gm, 2)
	code, h, body := do(t, "POST", ts.url+"/predict", "image/png", bytes.NewReader(pngBytes(t, render("bar", 28, 28, 4, 4, 20, 20, 0, 255))))
	if code != 503 || h.Get("Retry-After") != "1" || !strings.Contains(string(body), "saturated") {
		t.Fatalf("third request: %d Retry-After=%q %s", code, h.Get("Retry-After"), body)
	}
	if code, _, _ := do(t, "GET", ts.url+"/healthz", "", nil); code != 200 {
		t.Errorf("/healthz while saturated: %d, want 200 (health checks are not limited)", code)
	}
	close(gm.release)
	if ca, cb := <-a, <-b; ca != 200 || cb != 200 {
		t.Fatalf("admitted requests answered %d, %d", ca, cb)
	}
}

func TestShutdownDrainsInFlightRequests(t *testing.T) {
	ts, gm := startGated(t, 4, 30*time.Second)
	inflight := postAsync(t, ts.url)
	waitEntered(t, gm, 1)
	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop(t) }()
	// New connections are refused once the shutdown has begun.
	addr := strings.TrimPrefix(ts.url, "http://")
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepting after shutdown began")
		}
		time.Sleep(5 * time.Millisecond) // polling with a deadline
	}
	select {
	case err := <-stopped:
		t.Fatalf("Run returned %v before the in-flight request finished", err)
	default:
	}
	close(gm.release)
	if code := <-inflight; code != 200 {
		t.Errorf("in-flight request answered %d, want 200", code)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Run: %v, want nil after a clean drain", err)
	}
}

func TestShutdownGraceEnds(t *testing.T) {
	ts, gm := startGated(t, 4, 50*time.Millisecond)
	defer close(gm.release)
	inflight := postAsync(t, ts.url)
	waitEntered(t, gm, 1)
	if err := ts.stop(t); !errors.Is(err, ErrDrainTimeout) {
		t.Fatalf("Run: %v, want ErrDrainTimeout", err)
	}
	if code := <-inflight; code == 200 {
		t.Error("request finished although its connection was cut")
	}
}

func TestLoadFailureStopsServer(t *testing.T) {
	s, err := New(Config{Loader: func(context.Context) (Model, ModelInfo, error) {
		return nil, ModelInfo{}, errors.New("model file is corrupt")
	}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Run(context.Background(), ln)
	if !errors.Is(err, ErrModelLoad) || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("Run: %v, want ErrModelLoad naming the cause", err)
	}
}

func TestConfigValidate(t *testing.T) {
	load := func(context.Context) (Model, ModelInfo, error) { return nil, ModelInfo{}, nil }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"ok", Config{Loader: load}, ""},
		{"no loader", Config{}, "Loader"},
		{"negative inflight", Config{Loader: load, MaxInflight: -1}, "max inflight"},
		{"negative body", Config{Loader: load, MaxBodyBytes: -1}, "max body"},
		{"negative timeout", Config{Loader: load, ReadTimeout: -time.Second}, "timeouts"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestSelfTest(t *testing.T) {
	ts := startServer(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := WaitHealthy(ctx, testClient, ts.url); err != nil {
		t.Fatal(err)
	}
	var samples []Sample
	for glyph, class := range classes {
		x, _ := Preprocess(render(glyph, 28, 28, 4, 4, 20, 20, 0, 255))
		b, err := EncodePNG(x)
		if err != nil {
			t.Fatal(err)
		}
		samples = append(samples, Sample{Label: class, Body: b, ContentType: "image/png"})
	}
	rep, err := SelfTest(ctx, testClient, ts.url, samples)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Correct != len(samples) || rep.Accuracy != 1 || rep.Model.Name != "fake" || rep.P50 <= 0 || rep.Max < rep.P90 {
		t.Errorf("report %+v", rep)
	}
	if _, err := SelfTest(ctx, testClient, ts.url, []Sample{{Body: []byte("junk")}}); err == nil {
		t.Error("self test with a bad sample did not fail")
	}
}
