// Command lambdahandler is a Lambda function handler built with aws-lambda-go: it speaks
// the Lambda Runtime API and serves no HTTP, so deploybench runs it through the AWS
// Lambda Runtime Interface Emulator (app.handler_type: runtime-api, see
// examples/README.md). It answers API Gateway HTTP API (payload 2.0) events.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "text/plain"},
		Body:       "hello from a Lambda handler: " + e.RequestContext.HTTP.Method + " " + e.RawPath + "\n",
	}, nil
}

func main() { lambda.Start(handle) }
