// Package lambda is the AWS Lambda platform model: a function's execution environments
// behind the API Gateway model of package apigw.
//
// An execution environment is a real app process (the Lambda Web Adapter model: any HTTP
// app runs as a function) that serves one request at a time. Pool is the control logic:
// it hands a request an idle warm environment or starts a new one (a cold start: a
// modelled platform init, then the app's real start-up, capped by the INIT timeout),
// refuses requests over the concurrency limit or the scaling rate (TooManyRequests),
// reclaims environments idle longer than the keep-alive, keeps provisioned environments
// warm, and meters invocations the way Lambda bills them (1 ms granularity, INIT
// included for on-demand cold starts).
//
// Pool starts environments through fleet.Driver and only ever sees fleet.Machine, never
// a process: live runs pass the runtime-backed driver of package fleet/live, the
// simulator its modelled machines on a virtual clock. With such an event driver the pool
// runs without goroutines (evented.go): AcquireFunc answers by callback, the INIT is a
// sequence of clock events, and the simulator bills aggregated steps with Charge. The one
// live-only piece here is
// Function.Invoke, which forwards a request over HTTP to an environment's app with the
// function timeout. Platform combines a Function and an apigw.Server into the "lambda"
// platform.Platform.
//
// A second invocation mode, InvokeRuntimeAPI, serves Lambda handler images (programs
// that speak the Runtime API, e.g. built with aws-lambda-go): the driver runs each
// environment behind the Runtime Interface Emulator, and Function posts every request to
// it as an API Gateway HTTP API (payload 2.0) event and maps the handler's result back
// as API Gateway does (runtime_api.go). Pooling, cold starts and billing are the same.
package lambda
