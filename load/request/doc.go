// Package request is the HTTP half of the load generator: a Requester that sends one
// pre-built request (method, headers, bodies read into memory up front) over a transport
// tuned for load, and the classification of what came back into outcomes (2xx … 504,
// timeout, refused, other). Package load decides when to send; this package only sends,
// like hey's requester.
package request
