package request

import (
	"context"
	"errors"
	"net"
	"syscall"

	"github.com/deploybench/deploybench/load/result"
)

// Outcome classifies one request. The classes separate what the reference studies
// lumped together: throttling (429), the load balancer's own answers (502 bad gateway,
// 503 no healthy target, 504 gateway timeout) and client-side failures.
type Outcome uint8

// The outcome classes, in report order.
const (
	Status2xx  Outcome = iota // success
	Status3xx                 // redirect (not followed)
	Status4xx                 // client error other than 429
	Status429                 // throttled
	Status5xx                 // server error other than 502-504
	Status502                 // bad gateway
	Status503                 // service unavailable
	Status504                 // gateway timeout
	Timeout                   // no complete answer within the request timeout
	Refused                   // connection refused: nothing listening
	OtherError                // any other transport error (reset, DNS, TLS, …)
	// NumOutcomes is the number of outcome classes.
	NumOutcomes
)

// String is the outcome's key in Result.Outcomes (result.OutcomeKeys, same order).
func (o Outcome) String() string {
	if o < NumOutcomes {
		return result.OutcomeKeys[o]
	}
	return "unknown"
}

// IsError reports whether the outcome counts as an error: anything but 2xx and 3xx,
// as k6's http_req_failed does.
func (o Outcome) IsError() bool { return o >= Status4xx }

// Classify maps an HTTP status (when err is nil) or a transport error to its class.
func Classify(status int, err error) Outcome {
	if err != nil {
		var ne net.Error
		switch {
		case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
			return Timeout
		case errors.Is(err, syscall.ECONNREFUSED):
			return Refused
		}
		return OtherError
	}
	switch {
	case status == 429:
		return Status429
	case status == 502:
		return Status502
	case status == 503:
		return Status503
	case status == 504:
		return Status504
	case status >= 200 && status < 300:
		return Status2xx
	case status >= 300 && status < 400:
		return Status3xx
	case status >= 400 && status < 500:
		return Status4xx
	case status >= 500 && status < 600:
		return Status5xx
	}
	return OtherError
}
