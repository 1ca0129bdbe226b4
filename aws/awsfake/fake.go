package awsfake

import (
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Defaults of a zero Config.
const (
	DefaultAccount = "123456789012"
	DefaultRegion  = "us-east-1"
	// maxBody bounds a request body; CloudFormation's own TemplateBody limit is 51,200
	// bytes, so 1 MiB leaves room for every parameter and never for abuse.
	maxBody = 1 << 20
)

// Config configures a Fake. The zero value is valid: stacks complete at once and their
// EndpointURL output is empty.
type Config struct {
	// CreateDelay is how long a stack stays CREATE_IN_PROGRESS.
	CreateDelay time.Duration
	// DeleteDelay is how long a stack stays DELETE_IN_PROGRESS.
	DeleteDelay time.Duration
	// EndpointURL is the value of every stack's EndpointURL output.
	EndpointURL string
	// Account and Region appear in ARNs and in GetCallerIdentity.
	Account, Region string
	// Clock is the time source; nil means time.Now. A test may pass a virtual clock.
	Clock func() time.Time
	// Wrap, if set, wraps the handler Start serves, e.g. with WithECR so that the same
	// endpoint also serves the image step.
	Wrap func(http.Handler) http.Handler
}

// Fake is the fake AWS endpoint. Its methods are safe for concurrent use.
type Fake struct {
	cfg Config

	mu       sync.Mutex
	stacks   []*stack // in creation order, deleted ones included
	calls    map[string]int
	failures []failure
	queries  []MetricQuery
	seq      int
}

type failure struct{ match, reason string }

// New returns a Fake configured by cfg.
func New(cfg Config) *Fake {
	if cfg.Account == "" {
		cfg.Account = DefaultAccount
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Fake{cfg: cfg, calls: map[string]int{}}
}

// SetEndpointURL changes the EndpointURL output of stacks that complete from now on.
func (f *Fake) SetEndpointURL(u string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg.EndpointURL = u
}

// FailStacks makes every stack created from now on whose name contains match fail: it
// goes CREATE_FAILED with reason, then ROLLBACK_COMPLETE, instead of CREATE_COMPLETE.
func (f *Fake) FailStacks(match, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, failure{match, reason})
}

// Calls returns how many times the operation ("cloudformation:CreateStack",
// "sts:GetCallerIdentity", "cloudwatch:GetMetricData", …) was called.
func (f *Fake) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// Operations lists every operation called so far, sorted, as "service:Operation".
func (f *Fake) Operations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ops []string
	for op := range f.calls {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// StackInfo is a stack as the fake holds it.
type StackInfo struct {
	Name, ID, Status string
	Tags             map[string]string
}

// Stacks lists the stacks that exist (every state but DELETE_COMPLETE), in creation
// order, after advancing their states to now.
func (f *Fake) Stacks() []StackInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.cfg.Clock()
	var out []StackInfo
	for _, s := range f.stacks {
		f.advance(s, now)
		if s.status == statusDeleteComplete {
			continue
		}
		tags := map[string]string{}
		for _, t := range s.tags {
			tags[t.Key] = t.Value
		}
		out = append(out, StackInfo{Name: s.name, ID: s.id, Status: s.status, Tags: tags})
	}
	return out
}

// ServeHTTP answers one AWS API request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		// What the services answer to an unsigned request.
		writeQueryError(w, http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	if r.Method != http.MethodPost {
		writeQueryError(w, http.StatusMethodNotAllowed, "InvalidAction", "only POST is supported by this fake")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeQueryError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "request body over 1 MiB")
		return
	}
	if op, ok := strings.CutPrefix(r.URL.Path, cloudWatchPath); ok {
		f.serveCloudWatch(w, op, body)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeQueryError(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	action := form.Get("Action")
	switch {
	case action == "GetCallerIdentity":
		f.count("sts:" + action)
		f.serveCallerIdentity(w)
	case cfnActions[action] != nil:
		f.count("cloudformation:" + action)
		cfnActions[action](f, w, form)
	default:
		writeQueryError(w, http.StatusBadRequest, "InvalidAction", fmt.Sprintf("action %q is not implemented by this fake", action))
	}
}

func (f *Fake) count(op string) {
	f.mu.Lock()
	f.calls[op]++
	f.mu.Unlock()
}

type callerIdentity struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Result  struct {
		Arn, UserId, Account string
	} `xml:"GetCallerIdentityResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

func (f *Fake) serveCallerIdentity(w http.ResponseWriter) {
	var out callerIdentity
	out.Result.Account = f.cfg.Account
	out.Result.UserId = "AIDAFAKEDEPLOYBENCH"
	out.Result.Arn = "arn:aws:iam::" + f.cfg.Account + ":user/deploybench-fake"
	out.RequestID = "fake"
	writeXML(w, out)
}

// errorResponse is the query protocol's error document.
type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type, Code, Message string
	}
	RequestID string `xml:"RequestId"`
}

func writeQueryError(w http.ResponseWriter, status int, code, msg string) {
	var e errorResponse
	e.Error.Type, e.Error.Code, e.Error.Message, e.RequestID = "Sender", code, msg, "fake"
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	b, _ := xml.Marshal(e)
	w.Write(b)
}

func writeXML(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		writeQueryError(w, http.StatusInternalServerError, "InternalFailure", err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(xml.Header))
	w.Write(b)
}

// Server is a Fake listening on a loopback address.
type Server struct {
	*Fake
	// URL is the base URL to give the SDK clients as BaseEndpoint.
	URL string
	srv *http.Server
	ln  net.Listener
}

// Start serves a new Fake on addr (e.g. "127.0.0.1:0"); the address must be loopback,
// because the fake is for tests and never stands in for AWS on a network.
func Start(addr string, cfg Config) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("awsfake: address %q is not host:port (e.g. 127.0.0.1:0): %v", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("awsfake: address %q is not loopback; use 127.0.0.1:PORT", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("awsfake: %w", err)
	}
	s := &Server{Fake: New(cfg), URL: "http://" + ln.Addr().String(), ln: ln}
	var h http.Handler = s.Fake
	if cfg.Wrap != nil {
		h = cfg.Wrap(h)
	}
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }
