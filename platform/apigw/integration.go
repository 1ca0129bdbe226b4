package apigw

import (
	"context"
	"errors"
	"net/http"
)

// Request is one admitted request as API Gateway hands it to a proxy integration: the
// whole body is read first (synchronous invocations carry a complete payload).
type Request struct {
	Method string
	// URI is the path and query, e.g. "/predict?x=1".
	URI    string
	Header http.Header
	Body   []byte
}

// Response is what the integration answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Integration runs an admitted request: the Lambda function behind the API. Invoke may
// outlive the client's request — API Gateway stops waiting at its integration timeout,
// but the function runs on until it finishes or hits its own timeout — so the context
// passed in is not cancelled by the client leaving or by the integration timeout.
type Integration interface {
	Invoke(ctx context.Context, req *Request) (*Response, error)
}

// IntegrationFunc adapts a function to Integration.
type IntegrationFunc func(ctx context.Context, req *Request) (*Response, error)

// Invoke calls f.
func (f IntegrationFunc) Invoke(ctx context.Context, req *Request) (*Response, error) {
	return f(ctx, req)
}

// Errors an Integration returns (wrapped) so that the gateway answers as AWS does.
var (
	// ErrThrottled: the function refused the invocation for concurrency or scaling rate
	// (Lambda's TooManyRequestsException).
	ErrThrottled = errors.New("TooManyRequestsException")
	// ErrFunction: the function ran and failed — timed out, crashed, or answered a
	// payload too large. API Gateway answers 502. Source: [doc]
	// lambda/latest/dg/services-apigateway-errors.html ("If the function runs but returns
	// an error, or returns a response in the wrong format, API Gateway returns a 502").
	ErrFunction = errors.New("function error")
)
