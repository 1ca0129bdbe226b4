package apigw

import "time"

// API types, as AWS names them and as the billing package prices them.
const (
	// KindHTTP is an HTTP API (API Gateway v2): cheaper, 30 s integration timeout.
	KindHTTP = "http"
	// KindREST is a REST API (API Gateway v1): 29 s integration timeout by default.
	KindREST = "rest"
)

// DefaultKind is the API type used when the scenario names none: the HTTP API, the
// cheaper type AWS recommends for Lambda proxies. Model choice, overridable.
const DefaultKind = KindHTTP

// Integration timeouts. Source: [doc] API Gateway quotas (limits.html,
// http-api-quotas.html): REST APIs 50 ms – 29 s by default, HTTP APIs 50 ms – 30 s; a
// request that takes longer gets 504 "Endpoint request timed out" (knowledge center
// api-gateway-504-errors). Since June 2024 the 29 s quota of Regional and private REST
// APIs can be raised on request [aws-blog], so REST accepts longer values.
const (
	DefaultRESTTimeout = 29 * time.Second
	DefaultHTTPTimeout = 30 * time.Second
	// MinTimeout is the smallest integration timeout either API type accepts.
	MinTimeout = 50 * time.Millisecond
	// MaxHTTPTimeout is the HTTP API's hard limit.
	MaxHTTPTimeout = 30 * time.Second
	// MaxRESTTimeout bounds raised REST timeouts here: a Lambda integration cannot run
	// longer than Lambda's own 900 s maximum function timeout.
	MaxRESTTimeout = 900 * time.Second
)

// Account-level throttling per Region. Source: [doc] API Gateway quotas ("Throttle
// quota per account, per Region across HTTP APIs, REST APIs, WebSocket APIs":
// 10,000 requests per second with a burst of 5,000); over it API Gateway answers
// 429 Too Many Requests.
const (
	DefaultThrottleRate  = 10000.0
	DefaultThrottleBurst = 5000
)

// DefaultMaxPayload is the largest request or response body a Lambda proxy can carry:
// 6 MB each way for synchronous invocation. Source: [doc] Lambda quotas
// (gettingstarted-limits.html, "Invocation payload (request and response): 6 MB each for
// request and response (synchronous)"). API Gateway itself accepts 10 MB, so for Lambda
// the 6 MB limit binds; a larger request is refused with 413.
const DefaultMaxPayload = 6 << 20

// HTTPMeteringIncrement: HTTP API requests are metered in 512 KB increments, so a
// 1.2 MB request counts as three. Source: [3p copy of aws.amazon.com/api-gateway/pricing,
// HTTP APIs: "Requests are metered in 512 KB increments"]. REST APIs count each request
// once.
const HTTPMeteringIncrement = 512 << 10

// DefaultLambdaThrottleStatus is what a client gets when Lambda refuses an invocation
// for concurrency (TooManyRequestsException). Lambda's Invoke API answers 429 [doc]
// scaling-behavior.html; with a plain proxy integration API Gateway turns every refused
// invocation into 500 "Internal server error" [doc] lambda/latest/dg/services-apigateway-
// errors.html, unless the DEFAULT_5XX gateway response is mapped back to 429, which is
// what services that expose throttling to clients configure. deploybench answers 429 so
// that throttles are visible as such in the results; set lambda_throttle_status: 500 to
// model an unmapped API.
const DefaultLambdaThrottleStatus = 429
