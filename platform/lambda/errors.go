package lambda

import (
	"errors"
	"fmt"

	"github.com/deploybench/deploybench/platform/apigw"
)

// ErrClosed is returned by Acquire once the pool is closed.
var ErrClosed = errors.New("lambda: function is stopped")

// ThrottleError is Lambda's TooManyRequestsException: the invocation was refused, over
// the concurrency limit or the scaling rate. It unwraps to apigw.ErrThrottled.
type ThrottleError struct {
	// Reason is "concurrency" or "scaling".
	Reason string
	// Limit is the limit that was hit (environments, or environments per window).
	Limit int
}

// Error names the limit, as Lambda's TooManyRequestsException message does.
func (e *ThrottleError) Error() string {
	if e.Reason == "scaling" {
		return fmt.Sprintf("lambda: TooManyRequestsException: scaling rate of %d new environments per window reached", e.Limit)
	}
	return fmt.Sprintf("lambda: TooManyRequestsException: concurrency limit %d reached", e.Limit)
}

// Unwrap makes errors.Is(err, apigw.ErrThrottled) hold.
func (e *ThrottleError) Unwrap() error { return apigw.ErrThrottled }

// FunctionError is an invocation that ran and failed: INIT failure or timeout, function
// timeout, an app that crashed or answered more than the payload limit. It unwraps to
// apigw.ErrFunction (API Gateway answers 502).
type FunctionError struct {
	Msg string
	Err error
}

// Error is Lambda's error message, with the cause when there is one.
func (e *FunctionError) Error() string {
	if e.Err != nil {
		return "lambda: " + e.Msg + ": " + e.Err.Error()
	}
	return "lambda: " + e.Msg
}

// Unwrap makes errors.Is(err, apigw.ErrFunction) hold, and exposes the cause.
func (e *FunctionError) Unwrap() []error {
	if e.Err != nil {
		return []error{apigw.ErrFunction, e.Err}
	}
	return []error{apigw.ErrFunction}
}
