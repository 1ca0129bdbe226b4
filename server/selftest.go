package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Sample is one labelled request body for SelfTest.
type Sample struct {
	// Label is the true digit.
	Label int
	// Body is the request body, e.g. from EncodePNG.
	Body []byte
	// ContentType is sent as the Content-Type header; empty lets the server sniff.
	ContentType string
}

// SelfTestResult is the outcome of one sample.
type SelfTestResult struct {
	// Label is the true digit and Digit the predicted one.
	Label, Digit int
	// Confidence is the predicted digit's probability.
	Confidence float64
	// Latency is the client-side round trip.
	Latency time.Duration
	// ComputeMicros is the server-reported compute time.
	ComputeMicros float64
}

// SelfTestReport summarises a SelfTest run.
type SelfTestReport struct {
	// Results holds one entry per sample, in order.
	Results []SelfTestResult
	// Correct counts the right predictions.
	Correct int
	// Accuracy is Correct divided by the number of samples.
	Accuracy float64
	// P50, P90, Max and Mean summarise the round-trip latencies.
	P50, P90, Max, Mean time.Duration
	// Model is what the server reported.
	Model ModelInfo
}

// EncodePNG renders model input pixels as a dark-on-white 28×28 PNG, the way a user would
// send a digit, so the server's whole image path is exercised.
func EncodePNG(pixels []float32) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, ToImage(pixels)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WaitHealthy polls baseURL/healthz until it answers 200, ctx ends, or the server
// reports that loading failed.
func WaitHealthy(ctx context.Context, client *http.Client, baseURL string) error {
	wait := 5 * time.Millisecond
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/healthz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			if strings.Contains(string(body), `"failed"`) {
				return fmt.Errorf("server: %s/healthz: %s", baseURL, strings.TrimSpace(string(body)))
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server: %s/healthz not ready: %w", baseURL, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// answer is the single-image /predict answer.
type answer struct {
	Digit         int       `json:"digit"`
	Probabilities []float64 `json:"probabilities"`
	Model         ModelInfo `json:"model"`
	ComputeMicros float64   `json:"compute_us"`
}

// SelfTest posts every sample to baseURL/predict, one at a time, and reports accuracy and
// latency. Any non-200 answer is an error: a self test runs on known-good inputs.
func SelfTest(ctx context.Context, client *http.Client, baseURL string, samples []Sample) (SelfTestReport, error) {
	var rep SelfTestReport
	if len(samples) == 0 {
		return rep, fmt.Errorf("server: self test: no samples")
	}
	var total time.Duration
	lat := make([]time.Duration, 0, len(samples))
	for i, s := range samples {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/predict", bytes.NewReader(s.Body))
		if err != nil {
			return rep, err
		}
		if s.ContentType != "" {
			req.Header.Set("Content-Type", s.ContentType)
		}
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return rep, fmt.Errorf("server: self test sample %d: %w", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(t0)
		if err != nil {
			return rep, fmt.Errorf("server: self test sample %d: reading answer: %w", i, err)
		}
		if resp.StatusCode != http.StatusOK {
			return rep, fmt.Errorf("server: self test sample %d: %s: %s", i, resp.Status, strings.TrimSpace(string(body)))
		}
		var a answer
		if err := json.Unmarshal(body, &a); err != nil {
			return rep, fmt.Errorf("server: self test sample %d: bad answer: %w", i, err)
		}
		r := SelfTestResult{Label: s.Label, Digit: a.Digit, Latency: d, ComputeMicros: a.ComputeMicros}
		if a.Digit >= 0 && a.Digit < len(a.Probabilities) {
			r.Confidence = a.Probabilities[a.Digit]
		}
		if r.Digit == r.Label {
			rep.Correct++
		}
		rep.Model = a.Model
		rep.Results = append(rep.Results, r)
		lat = append(lat, d)
		total += d
	}
	slices.Sort(lat)
	rep.Accuracy = float64(rep.Correct) / float64(len(samples))
	rep.P50 = lat[(len(lat)-1)*50/100]
	rep.P90 = lat[(len(lat)-1)*90/100]
	rep.Max = lat[len(lat)-1]
	rep.Mean = total / time.Duration(len(lat))
	return rep, nil
}
