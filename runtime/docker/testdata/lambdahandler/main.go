// Command lambdahandler is a Lambda handler for the container tests: built with
// aws-lambda-go, it speaks the Runtime API (no HTTP server), so it runs only behind the
// Runtime Interface Emulator. It answers API Gateway HTTP API (v2) events.
package main

import (
	"context"
	"errors"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

var invocations int

func handle(ctx context.Context, e events.APIGatewayV2HTTPRequest) (any, error) {
	invocations++
	switch e.RawPath {
	case "/error":
		return nil, errors.New("handler failed on purpose")
	case "/plain":
		// No statusCode: API Gateway answers 200 with this JSON as the body.
		return map[string]any{"path": e.RawPath, "method": e.RequestContext.HTTP.Method}, nil
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: 201,
		Headers:    map[string]string{"X-Handler": "lambdahandler", "X-Invocation": strconv.Itoa(invocations)},
		Body:       "hello " + e.RequestContext.HTTP.Method + " " + e.RawPath + "?" + e.RawQueryString + " " + e.Body,
	}, nil
}

func main() { lambda.Start(handle) }
