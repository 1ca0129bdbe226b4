// Package server is the HTTP inference service deploybench deploys on every emulated
// platform: the app under test when the user brings none of their own.
//
// It answers POST /predict, GET /healthz (200 only once the model has loaded, so load
// balancers and the runtime backend see a cold start the way AWS health checks do) and
// GET /metrics (Prometheus text). It protects itself the way a production service must:
// a body size limit, read/write/idle timeouts, and a concurrency limit that sheds load
// with 503 + Retry-After instead of queueing without bound. It measures its own start-up
// time from exec to ready, which the platform models use as the application part of a
// cold start.
//
// The package stands alone: it knows a model only through the small Model interface
// defined here (the mnist package's models satisfy it) and imports no other deploybench
// package. SelfTest drives a running server with labelled images; the demo command
// reuses it.
//
// # API
//
// POST /predict takes one of (by Content-Type, else by sniffing the first bytes):
//
//   - a PNG, JPEG or GIF image of a digit, any size, dark ink on light paper or the
//     reverse (decided from the border pixels); it is converted the classic MNIST way
//     (see Preprocess);
//   - {"pixels":[784 numbers]}: a 28×28 image, row-major, ink bright on dark as in
//     MNIST. Values are 0–1, or 0–255 if any value exceeds 1 (decided per image);
//   - {"batch":[[784 numbers],...]}: up to Config.MaxBatch such images.
//
// It answers 200 with
//
//	{"digit":7,"probabilities":[10 numbers],"model":{"kind":"mlp","name":…,"version":…,"accuracy":…},
//	 "compute_us":61.2,"inference_us":23.0}
//
// or, for a batch, {"predictions":[{"digit":…,"probabilities":[…]},…],"model":…,
// "compute_us":…,"inference_us":…}. compute_us is the server time from the body read to
// the answer ready (decoding, preprocessing and inference); inference_us is the model
// alone.
//
// Errors are JSON {"error":"…"} naming the problem: 400 for any bad body (garbage, empty,
// wrong JSON shape or pixel count, undecodable or blank image, out-of-range values), 413
// for a body over Config.MaxBodyBytes, 405 for a wrong method, 404 for an unknown path,
// and 503 with Retry-After while the model loads or when Config.MaxInflight requests are
// already in flight. /healthz and /metrics are not subject to the concurrency limit.
//
// # Metrics
//
// deploybench_http_requests_total{handler,code}, deploybench_http_request_duration_seconds
// {handler} (histogram), deploybench_http_in_flight_requests, deploybench_startup_seconds
// (exec→ready), deploybench_model_loaded, deploybench_model_info{kind,name,version}, and
// the standard process_* (CPU, memory, file descriptors) and go_* collectors.
package server
