package apigw

import (
	"fmt"
	"time"
)

// Config is the api section of a Lambda platform: which API Gateway type fronts the
// function and its limits. The zero value means an HTTP API with AWS's defaults.
type Config struct {
	// Kind is the API type: http (default) or rest.
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// ThrottleRate is the steady request rate (requests/s) and ThrottleBurst the bucket
	// size of the account-level throttle (defaults 10,000 and 5,000).
	ThrottleRate  float64 `yaml:"throttle_rate,omitempty" json:"throttle_rate,omitempty"`
	ThrottleBurst int     `yaml:"throttle_burst,omitempty" json:"throttle_burst,omitempty"`
	// Timeout is the integration timeout (default 30 s for http, 29 s for rest).
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// MaxPayload is the largest request body in bytes (default 6 MB, Lambda's limit).
	MaxPayload int64 `yaml:"max_payload,omitempty" json:"max_payload,omitempty"`
	// LambdaThrottleStatus is the status answered when Lambda throttles an invocation:
	// 429 (default, a mapped gateway response) or 500 (AWS's unmapped proxy behaviour).
	LambdaThrottleStatus int `yaml:"lambda_throttle_status,omitempty" json:"lambda_throttle_status,omitempty"`
}

// WithDefaults returns c with every unset field filled; the timeout default depends on
// the kind.
func (c Config) WithDefaults() Config {
	if c.Kind == "" {
		c.Kind = DefaultKind
	}
	if c.ThrottleRate == 0 {
		c.ThrottleRate = DefaultThrottleRate
	}
	if c.ThrottleBurst == 0 {
		c.ThrottleBurst = DefaultThrottleBurst
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultHTTPTimeout
		if c.Kind == KindREST {
			c.Timeout = DefaultRESTTimeout
		}
	}
	if c.MaxPayload == 0 {
		c.MaxPayload = DefaultMaxPayload
	}
	if c.LambdaThrottleStatus == 0 {
		c.LambdaThrottleStatus = DefaultLambdaThrottleStatus
	}
	return c
}

// Validate reports the first invalid field after defaults; prefix names the section in
// the scenario (e.g. "lambda.api") so that the error names the field.
func (c Config) Validate(prefix string) error {
	c = c.WithDefaults()
	maxTimeout := MaxHTTPTimeout
	if c.Kind == KindREST {
		maxTimeout = MaxRESTTimeout
	}
	switch {
	case c.Kind != KindHTTP && c.Kind != KindREST:
		return fmt.Errorf("%s.kind: %q is not an API type (use http or rest)", prefix, c.Kind)
	case !(c.ThrottleRate > 0) || c.ThrottleRate > 1e9:
		return fmt.Errorf("%s.throttle_rate: %v must be in (0, 1e9] requests per second", prefix, c.ThrottleRate)
	case c.ThrottleBurst < 1:
		return fmt.Errorf("%s.throttle_burst: %d must be at least 1", prefix, c.ThrottleBurst)
	case c.Timeout < MinTimeout || c.Timeout > maxTimeout:
		return fmt.Errorf("%s.timeout: %v must be between %v and %v for a %s API", prefix, c.Timeout, MinTimeout, maxTimeout, c.Kind)
	case c.MaxPayload < 1:
		return fmt.Errorf("%s.max_payload: %d must be at least 1 byte", prefix, c.MaxPayload)
	case c.LambdaThrottleStatus != 429 && c.LambdaThrottleStatus != 500:
		return fmt.Errorf("%s.lambda_throttle_status: %d must be 429 (mapped gateway response) or 500 (AWS proxy default)", prefix, c.LambdaThrottleStatus)
	}
	return nil
}

// FrontDoor is the billed front door name used in platform.Usage: "apigw-http" or
// "apigw-rest".
func (c Config) FrontDoor() string { return "apigw-" + c.WithDefaults().Kind }
