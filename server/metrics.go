package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds the server's Prometheus collectors, on a registry of its own so that
// several servers (tests, the demo) can live in one process.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	inflight  prometheus.Gauge
	startup   prometheus.Gauge
	loaded    prometheus.Gauge
	modelInfo *prometheus.GaugeVec
	// predictLatency is the pre-resolved /predict histogram child, the hot path.
	predictLatency prometheus.Observer
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "deploybench", Name: "http_requests_total",
			Help: "HTTP requests answered, by handler and status code.",
		}, []string{"handler", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "deploybench", Name: "http_request_duration_seconds",
			Help: "Time from request headers read to answer written, by handler.",
			// 50 µs … 6.5 s: MLP answers take well under a millisecond, SVM ones milliseconds.
			Buckets: prometheus.ExponentialBuckets(50e-6, 2, 18),
		}, []string{"handler"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "deploybench", Name: "http_in_flight_requests",
			Help: "/predict requests being handled now (admitted by the concurrency limit).",
		}),
		startup: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "deploybench", Name: "startup_seconds",
			Help: "Time from process exec to model loaded and listening (0 until ready).",
		}),
		loaded: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "deploybench", Name: "model_loaded",
			Help: "1 once the model is loaded and /healthz answers 200.",
		}),
		modelInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "deploybench", Name: "model_info",
			Help: "The loaded model, as labels; the value is always 1.",
		}, []string{"kind", "name", "version"}),
	}
	m.predictLatency = m.latency.WithLabelValues("predict")
	m.reg.MustRegister(m.requests, m.latency, m.inflight, m.startup, m.loaded, m.modelInfo,
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewGoCollector())
	return m
}

// handler serves the registry in the Prometheus text format (or what the scraper asks).
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// observe records one answered request.
func (m *metrics) observe(handler string, code int, d time.Duration) {
	m.requests.WithLabelValues(handler, codeLabel(code)).Inc()
	if handler == "predict" {
		m.predictLatency.Observe(d.Seconds())
		return
	}
	m.latency.WithLabelValues(handler).Observe(d.Seconds())
}

// codeLabel avoids formatting the common status codes on every request.
func codeLabel(code int) string {
	switch code {
	case 200:
		return "200"
	case 400:
		return "400"
	case 503:
		return "503"
	}
	return strconv.Itoa(code)
}

// ready records the loaded model and the start-up time.
func (m *metrics) ready(info ModelInfo, startup time.Duration) {
	m.modelInfo.WithLabelValues(info.Kind, info.Name, info.Version).Set(1)
	m.loaded.Set(1)
	m.startup.Set(startup.Seconds())
}
