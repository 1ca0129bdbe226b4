// Package apigw is the API Gateway model: the front door of the Lambda platform. It holds
// the pure, clock-driven decisions that both worlds share — the account-level token bucket
// (rate + burst → 429), the payload limit (→ 413), the mapping of integration outcomes to
// the status codes API Gateway answers with (integration timeout → 504, function error →
// 502, Lambda throttle → 429), and the request count that API Gateway bills — and, for
// live runs, Server: an HTTP server on loopback that applies those decisions to real
// requests and hands each admitted one to an Integration (the Lambda function).
//
// The simulator uses Gateway and TokenBucket directly with its virtual clock and never
// starts a Server. Nothing here knows how an integration runs its code.
package apigw
