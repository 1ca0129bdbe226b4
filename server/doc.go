// Package server is the HTTP inference service deploybench deploys on every emulated
// platform: the app under test when the user brings none of their own.
//
// It answers POST /predict (an image of any size, converted the classic MNIST way, or
// JSON pixels, or a JSON batch), GET /healthz (200 only once the model has loaded, so
// load balancers and the runtime backend see a cold start the way AWS health checks do)
// and GET /metrics (Prometheus text). It protects itself the way a production service
// must: a body size limit, read/write/idle timeouts, and a concurrency limit that sheds
// load with 503 + Retry-After instead of queueing without bound. It measures its own
// start-up time from exec to ready, which the platform models use as the application
// part of a cold start.
//
// The package stands alone: it knows a model only through the small Model interface
// defined here (the mnist package's models satisfy it), and imports no other deploybench
// package. SelfTest drives a running server with labelled images; the demo command and
// later the runner reuse it.
package server
