package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// routes builds the handler tree. Every answer, errors included, is JSON (except
// /metrics), and every request is counted and timed.
func (s *Server) routes() http.Handler {
	metricsHandler := s.m.handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		name := "other"
		switch r.URL.Path {
		case "/predict":
			name = "predict"
			if r.Method != http.MethodPost {
				methodNotAllowed(sw, "POST")
				break
			}
			s.predict(sw, r)
		case "/healthz":
			name = "healthz"
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				methodNotAllowed(sw, "GET, HEAD")
				break
			}
			s.healthz(sw)
		case "/metrics":
			name = "metrics"
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				methodNotAllowed(sw, "GET, HEAD")
				break
			}
			metricsHandler.ServeHTTP(sw, r)
		default:
			writeError(sw, http.StatusNotFound, fmt.Sprintf("no such path %q; use POST /predict, GET /healthz or GET /metrics", r.URL.Path))
		}
		s.m.observe(name, sw.code, time.Since(t0))
	})
}

// statusWriter remembers the status code for the metrics.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeError(w, http.StatusMethodNotAllowed, "method not allowed; use "+allow)
}

// writeError answers {"error": msg}.
func writeError(w http.ResponseWriter, code int, msg string) {
	if code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(int(DefaultRetryAfter/time.Second)))
	}
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	writeJSON(w, code, append(b, '\n'))
}

func writeJSON(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with plain structs of strings and numbers
	}
	return b
}

// healthz answers 200 once the model is loaded, 503 while loading or after a failure.
func (s *Server) healthz(w http.ResponseWriter) {
	st := s.st.Load()
	switch st.phase {
	case phaseReady:
		body := fmt.Appendf(nil, `{"status":"ok","model":%s,"startup_seconds":%.4f}`+"\n", st.infoJSON, st.startup.Seconds())
		writeJSON(w, http.StatusOK, body)
	case phaseFailed:
		b, _ := json.Marshal(map[string]string{"status": "failed", "error": st.err.Error()})
		writeJSON(w, http.StatusServiceUnavailable, append(b, '\n'))
	default:
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, []byte(`{"status":"loading"}`+"\n"))
	}
}

// bufPool recycles request body buffers; most bodies are a few KB.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// predict handles POST /predict.
func (s *Server) predict(w http.ResponseWriter, r *http.Request) {
	st := s.st.Load()
	if st.phase != phaseReady {
		writeError(w, http.StatusServiceUnavailable, "model is not loaded yet; retry after /healthz answers 200")
		return
	}
	// Shed load instead of queueing: a queue only adds latency that the client (or the
	// load balancer in front) can better spend on another instance.
	select {
	case s.sem <- struct{}{}:
	default:
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("server is saturated (%d requests in flight, the --max-inflight limit); retry later", cap(s.sem)))
		return
	}
	s.m.inflight.Inc()
	defer func() {
		s.m.inflight.Dec()
		<-s.sem
	}()

	if r.ContentLength > s.cfg.MaxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is %d bytes, more than the %d-byte limit (--max-body)", r.ContentLength, s.cfg.MaxBodyBytes))
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 { // don't keep rare huge buffers alive
			bufPool.Put(buf)
		}
	}()
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is more than the %d-byte limit (--max-body)", s.cfg.MaxBodyBytes))
			return
		}
		writeError(w, http.StatusBadRequest, "reading body: "+err.Error())
		return
	}

	t0 := time.Now()
	inputs, batch, err := decodeBody(r.Header.Get("Content-Type"), buf.Bytes(), s.cfg.MaxImagePixels, s.cfg.MaxBatch)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	t1 := time.Now()
	probs, err := predictAll(st.model, inputs)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	t2 := time.Now()
	writeJSON(w, http.StatusOK, appendAnswer(nil, probs, batch, st.infoJSON, t2.Sub(t0), t2.Sub(t1)))
}

// predictAll runs the model on every input, turning a model panic or a malformed output
// into an error so one bad model call cannot take the server down.
func predictAll(m Model, inputs [][]float32) (out [][]float32, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("model failed: %v", r)
		}
	}()
	out = make([][]float32, len(inputs))
	for i, x := range inputs {
		p := m.Predict(x)
		if len(p) == 0 {
			return nil, errors.New("model returned no probabilities")
		}
		for _, v := range p {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, errors.New("model returned a non-finite probability")
			}
		}
		out[i] = p
	}
	return out, nil
}

// appendAnswer encodes the answer by hand: it is on the hot path and its shape is fixed.
//
//	{"digit":7,"probabilities":[...],"model":{...},"compute_us":51.2,"inference_us":30.1}
//	{"predictions":[{"digit":7,"probabilities":[...]},...],"model":{...},"compute_us":...,"inference_us":...}
func appendAnswer(b []byte, probs [][]float32, batch bool, model []byte, compute, inference time.Duration) []byte {
	b = append(b, '{')
	if batch {
		b = append(b, `"predictions":[`...)
		for i, p := range probs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			b = appendPrediction(b, p)
			b = append(b, '}')
		}
		b = append(b, "],"...)
	} else {
		b = appendPrediction(b, probs[0])
		b = append(b, ',')
	}
	b = append(b, `"model":`...)
	b = append(b, model...)
	b = append(b, `,"compute_us":`...)
	b = strconv.AppendFloat(b, float64(compute.Nanoseconds())/1e3, 'f', 1, 64)
	b = append(b, `,"inference_us":`...)
	b = strconv.AppendFloat(b, float64(inference.Nanoseconds())/1e3, 'f', 1, 64)
	return append(b, "}\n"...)
}

func appendPrediction(b []byte, p []float32) []byte {
	b = append(b, `"digit":`...)
	b = strconv.AppendInt(b, int64(argmax(p)), 10)
	b = append(b, `,"probabilities":[`...)
	for i, v := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(v), 'g', 5, 32)
	}
	return append(b, ']')
}

func argmax(p []float32) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}
