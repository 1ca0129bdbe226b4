package awsfake

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// ECRTargetPrefix is the X-Amz-Target prefix of Amazon ECR's AWS JSON 1.1 API; a fake
// serving several services routes requests with it.
const ECRTargetPrefix = "AmazonEC2ContainerRegistry_V20150921."

// ECR is a fake of the Amazon ECR control plane — the calls an image push makes
// (DescribeRepositories, CreateRepository, GetAuthorizationToken) and DeleteRepository
// for cleanup — in the AWS JSON 1.1 protocol the SDK's ecr client speaks. Its
// authorization token is "AWS:<Password>", base64-encoded as ECR's is, and its proxy
// endpoint is RegistryHost, typically a [Registry] started with the same password.
type ECR struct {
	// RegistryHost is the host:port of the registry the proxy endpoint names.
	RegistryHost string
	// Password is the registry password the token carries.
	Password string
	// Account is the registry id (12 digits); "000000000000" when empty.
	Account string
	// Region goes into the repository ARNs; "us-east-1" when empty.
	Region string

	mu    sync.Mutex
	repos map[string]ecrRepository
	calls []string
}

// ecrRepository is one repository as the fake keeps it.
type ecrRepository struct {
	Name    string
	Created time.Time
	Tags    map[string]string
}

// ECRTag is a tag as ECR's JSON carries it (capitalised member names).
type ECRTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// NewECR returns a fake ECR whose authorization token opens the registry at
// registryHost with password.
func NewECR(registryHost, password string) *ECR {
	return &ECR{RegistryHost: registryHost, Password: password}
}

// Start serves the fake on a new 127.0.0.1 port and returns its base URL (for the SDK's
// BaseEndpoint) and a function that stops it.
func (e *ECR) Start() (endpoint string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("awsfake: ecr listen: %w", err)
	}
	srv := &http.Server{Handler: e}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// Calls returns the operations served so far, in order.
func (e *ECR) Calls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.calls...)
}

// RepositoryTags returns the tags of repository name and whether it exists.
func (e *ECR) RepositoryTags(name string) (map[string]string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.repos[name]
	if !ok {
		return nil, false
	}
	tags := map[string]string{}
	for k, v := range r.Tags {
		tags[k] = v
	}
	return tags, true
}

func (e *ECR) account() string {
	if e.Account == "" {
		return "000000000000"
	}
	return e.Account
}

func (e *ECR) region() string {
	if e.Region == "" {
		return "us-east-1"
	}
	return e.Region
}

// ecrRequest holds every request member the fake reads, across its operations.
type ecrRequest struct {
	RepositoryNames []string `json:"repositoryNames"`
	RepositoryName  string   `json:"repositoryName"`
	Tags            []ECRTag `json:"tags"`
	Force           bool     `json:"force"`
}

// decodeECRRequest reads the operation from the X-Amz-Target header value and the
// members from the JSON body.
func decodeECRRequest(target string, body []byte) (op string, req ecrRequest, err error) {
	op, ok := strings.CutPrefix(target, ECRTargetPrefix)
	if !ok || op == "" {
		return "", req, fmt.Errorf("X-Amz-Target %q is not an ECR operation", target)
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			return op, req, fmt.Errorf("body is not valid JSON: %v", err)
		}
	}
	return op, req, nil
}

// ecrError writes an AWS JSON error: the __type names the exception.
func ecrError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

// ServeHTTP serves one AWS JSON 1.1 ECR request.
func (e *ECR) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		ecrError(w, http.StatusMethodNotAllowed, "UnsupportedOperation", "ECR requests are POSTs")
		return
	}
	if r.Header.Get("Authorization") == "" { // the SDK signs every request; ECR refuses unsigned ones
		ecrError(w, http.StatusForbidden, "MissingAuthenticationTokenException", "request is not signed")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		ecrError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	op, req, err := decodeECRRequest(r.Header.Get("X-Amz-Target"), body)
	if err != nil {
		ecrError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	e.mu.Lock()
	e.calls = append(e.calls, op)
	e.mu.Unlock()
	var out any
	switch op {
	case "DescribeRepositories":
		out, err = e.describe(req)
	case "CreateRepository":
		out, err = e.create(req)
	case "DeleteRepository":
		out, err = e.delete(req)
	case "GetAuthorizationToken":
		out = e.token()
	default:
		ecrError(w, http.StatusBadRequest, "UnknownOperationException", "the fake ECR does not serve "+op)
		return
	}
	if err != nil {
		var ae *ecrAPIError
		if errors.As(err, &ae) {
			ecrError(w, http.StatusBadRequest, ae.typ, ae.msg)
			return
		}
		ecrError(w, http.StatusInternalServerError, "ServerException", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

// ecrAPIError is an exception the fake answers with.
type ecrAPIError struct{ typ, msg string }

func (e *ecrAPIError) Error() string { return e.typ + ": " + e.msg }

// repoJSON renders a repository as ECR's Repository shape; createdAt is epoch seconds,
// the AWS JSON protocols' timestamp format.
func (e *ECR) repoJSON(r ecrRepository) map[string]any {
	return map[string]any{
		"repositoryArn":      fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", e.region(), e.account(), r.Name),
		"registryId":         e.account(),
		"repositoryName":     r.Name,
		"repositoryUri":      e.RegistryHost + "/" + r.Name,
		"createdAt":          float64(r.Created.UnixMilli()) / 1000,
		"imageTagMutability": "MUTABLE",
	}
}

func (e *ECR) describe(req ecrRequest) (any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	list := []map[string]any{}
	if len(req.RepositoryNames) == 0 {
		names := make([]string, 0, len(e.repos))
		for n := range e.repos {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			list = append(list, e.repoJSON(e.repos[n]))
		}
	}
	for _, n := range req.RepositoryNames {
		r, ok := e.repos[n]
		if !ok {
			return nil, &ecrAPIError{"RepositoryNotFoundException",
				fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", n, e.account())}
		}
		list = append(list, e.repoJSON(r))
	}
	return map[string]any{"repositories": list}, nil
}

func (e *ECR) create(req ecrRequest) (any, error) {
	if !validRepoName(req.RepositoryName) || len(req.RepositoryName) < 2 {
		return nil, &ecrAPIError{"InvalidParameterException", fmt.Sprintf("invalid repository name %q", req.RepositoryName)}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.repos[req.RepositoryName]; ok {
		return nil, &ecrAPIError{"RepositoryAlreadyExistsException",
			fmt.Sprintf("The repository with name '%s' already exists in the registry with id '%s'", req.RepositoryName, e.account())}
	}
	if e.repos == nil {
		e.repos = map[string]ecrRepository{}
	}
	r := ecrRepository{Name: req.RepositoryName, Created: time.Now(), Tags: map[string]string{}}
	for _, t := range req.Tags {
		r.Tags[t.Key] = t.Value
	}
	e.repos[r.Name] = r
	return map[string]any{"repository": e.repoJSON(r)}, nil
}

func (e *ECR) delete(req ecrRequest) (any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.repos[req.RepositoryName]
	if !ok {
		return nil, &ecrAPIError{"RepositoryNotFoundException",
			fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", req.RepositoryName, e.account())}
	}
	delete(e.repos, r.Name)
	return map[string]any{"repository": e.repoJSON(r)}, nil
}

// token returns ECR's authorization data: base64("AWS:password"), valid 12 hours as
// ECR's are (docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html).
func (e *ECR) token() any {
	tok := base64.StdEncoding.EncodeToString([]byte("AWS:" + e.Password))
	return map[string]any{"authorizationData": []map[string]any{{
		"authorizationToken": tok,
		"expiresAt":          float64(time.Now().Add(12 * time.Hour).Unix()),
		"proxyEndpoint":      "http://" + e.RegistryHost,
	}}}
}

// WithECR routes the ECR requests (X-Amz-Target prefixed ECRTargetPrefix) of one
// endpoint to e and everything else to next, so that a single fake endpoint serves the
// image step of `aws run` beside the other services.
func WithECR(next http.Handler, e *ECR) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), ECRTargetPrefix) {
			e.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
