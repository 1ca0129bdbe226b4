package awsfake

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Registry is a minimal container registry speaking the push subset of the OCI
// distribution API v2 (https://github.com/opencontainers/distribution-spec): the version
// check, blob existence, chunked and monolithic blob uploads with digest verification,
// and manifest put/get. It stands in for the ECR registry endpoint so that a real Docker
// engine can push to it: dockerd treats 127.0.0.0/8 registries as insecure (plain HTTP)
// by default. When Username is set, every request needs HTTP Basic credentials, as ECR
// needs the "AWS" user and its authorization token.
type Registry struct {
	// Username and Password are the credentials the registry accepts; empty Username
	// accepts anonymous pushes.
	Username, Password string

	mu        sync.Mutex
	blobs     map[string][]byte            // digest → content
	uploads   map[string]*bytes.Buffer     // upload id → bytes so far
	manifests map[string]map[string]stored // repository → tag or digest → manifest
	pushes    int
}

// stored is one manifest as it was put.
type stored struct {
	mediaType string
	body      []byte
	digest    string
}

// maxRegistryBody bounds a request body the fake keeps in memory (test images are small).
const maxRegistryBody = 512 << 20

// NewRegistry returns an empty registry accepting user/password (none when user is "").
func NewRegistry(user, password string) *Registry {
	return &Registry{Username: user, Password: password}
}

// Start serves the registry on a new 127.0.0.1 port and returns its host:port and a
// function that stops it.
func (r *Registry) Start() (host string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("awsfake: registry listen: %w", err)
	}
	srv := &http.Server{Handler: r}
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// Manifest returns the manifest of repository at reference (a tag or a digest), its
// digest, and whether it exists.
func (r *Registry) Manifest(repository, reference string) (body []byte, digest string, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.manifests[repository][reference]
	return m.body, m.digest, ok
}

// Pushes counts the manifests put so far (one per completed image push).
func (r *Registry) Pushes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pushes
}

// HasBlob reports whether a blob with digest was uploaded.
func (r *Registry) HasBlob(digest string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.blobs[digest]
	return ok
}

// v2Route is one parsed /v2/ request path.
type v2Route struct {
	kind string // "base", "blob", "upload", "manifest"
	name string // repository name
	ref  string // digest, upload id, tag; "" for a new upload
}

// parseV2Path splits a distribution API path into its route. Repository names may hold
// slashes, so the route is found by its last /blobs/ or /manifests/ segment.
func parseV2Path(p string) (v2Route, error) {
	if p == "/v2/" || p == "/v2" {
		return v2Route{kind: "base"}, nil
	}
	rest, ok := strings.CutPrefix(p, "/v2/")
	if !ok {
		return v2Route{}, fmt.Errorf("path %q does not start with /v2/", p)
	}
	if i := strings.LastIndex(rest, "/blobs/uploads"); i > 0 {
		id := strings.TrimPrefix(rest[i+len("/blobs/uploads"):], "/")
		if strings.Contains(id, "/") {
			return v2Route{}, fmt.Errorf("bad upload id in %q", p)
		}
		return checkRoute(v2Route{kind: "upload", name: rest[:i], ref: id}, p)
	}
	if i := strings.LastIndex(rest, "/blobs/"); i > 0 {
		return checkRoute(v2Route{kind: "blob", name: rest[:i], ref: rest[i+len("/blobs/"):]}, p)
	}
	if i := strings.LastIndex(rest, "/manifests/"); i > 0 {
		return checkRoute(v2Route{kind: "manifest", name: rest[:i], ref: rest[i+len("/manifests/"):]}, p)
	}
	return v2Route{}, fmt.Errorf("unknown route %q", p)
}

// checkRoute rejects names and references the distribution spec does not allow.
func checkRoute(rt v2Route, p string) (v2Route, error) {
	if !validRepoName(rt.name) {
		return v2Route{}, fmt.Errorf("bad repository name in %q", p)
	}
	if rt.kind != "upload" && (rt.ref == "" || strings.Contains(rt.ref, "/")) {
		return v2Route{}, fmt.Errorf("bad reference in %q", p)
	}
	return rt, nil
}

// repoComponent is one path component of a repository name in the distribution spec's
// grammar: lower-case alphanumerics joined by '.', '_', '__' or runs of '-'.
var repoComponent = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)

// validRepoName checks a repository name against the distribution spec's grammar.
func validRepoName(name string) bool {
	if name == "" || len(name) > 255 {
		return false
	}
	for comp := range strings.SplitSeq(name, "/") {
		if !repoComponent.MatchString(comp) {
			return false
		}
	}
	return true
}

// registryError writes an error in the distribution spec's JSON envelope.
func registryError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}

// ServeHTTP implements the distribution API push subset.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	if r.Username != "" {
		u, p, ok := req.BasicAuth()
		if !ok || u != r.Username || p != r.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="deploybench-fake-registry"`)
			registryError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
			return
		}
	}
	rt, err := parseV2Path(req.URL.Path)
	if err != nil {
		registryError(w, http.StatusNotFound, "NAME_INVALID", err.Error())
		return
	}
	body := http.MaxBytesReader(w, req.Body, maxRegistryBody)
	switch {
	case rt.kind == "base" && (req.Method == http.MethodGet || req.Method == http.MethodHead):
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "{}")
	case rt.kind == "blob" && (req.Method == http.MethodGet || req.Method == http.MethodHead):
		r.getBlob(w, req, rt)
	case rt.kind == "upload" && rt.ref == "" && req.Method == http.MethodPost:
		r.startUpload(w, req, rt, body)
	case rt.kind == "upload" && rt.ref != "" && req.Method == http.MethodPatch:
		r.patchUpload(w, rt, body)
	case rt.kind == "upload" && rt.ref != "" && req.Method == http.MethodPut:
		r.finishUpload(w, req, rt, body)
	case rt.kind == "upload" && rt.ref != "" && req.Method == http.MethodGet:
		r.uploadStatus(w, rt)
	case rt.kind == "manifest" && req.Method == http.MethodPut:
		r.putManifest(w, req, rt, body)
	case rt.kind == "manifest" && (req.Method == http.MethodGet || req.Method == http.MethodHead):
		r.getManifest(w, req, rt)
	default:
		registryError(w, http.StatusMethodNotAllowed, "UNSUPPORTED", req.Method+" "+req.URL.Path+" is not supported by this registry")
	}
}

func (r *Registry) getBlob(w http.ResponseWriter, req *http.Request, rt v2Route) {
	r.mu.Lock()
	b, ok := r.blobs[rt.ref]
	r.mu.Unlock()
	if !ok {
		registryError(w, http.StatusNotFound, "BLOB_UNKNOWN", "blob unknown: "+rt.ref)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Docker-Content-Digest", rt.ref)
	w.WriteHeader(http.StatusOK)
	if req.Method == http.MethodGet {
		_, _ = w.Write(b)
	}
}

// newUploadID returns a random upload session id.
func newUploadID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (r *Registry) startUpload(w http.ResponseWriter, req *http.Request, rt v2Route, body io.Reader) {
	q := req.URL.Query()
	if from, mount := q.Get("from"), q.Get("mount"); from != "" && mount != "" {
		// Cross-repository mount: blobs are global here, so a known blob mounts at once.
		if r.HasBlob(mount) {
			w.Header().Set("Location", "/v2/"+rt.name+"/blobs/"+mount)
			w.Header().Set("Docker-Content-Digest", mount)
			w.WriteHeader(http.StatusCreated)
			return
		}
	}
	if d := q.Get("digest"); d != "" { // monolithic upload in the POST
		data, err := io.ReadAll(body)
		if err != nil {
			registryError(w, http.StatusBadRequest, "BLOB_UPLOAD_INVALID", err.Error())
			return
		}
		r.commitBlob(w, rt.name, d, data)
		return
	}
	id := newUploadID()
	r.mu.Lock()
	if r.uploads == nil {
		r.uploads = map[string]*bytes.Buffer{}
	}
	r.uploads[id] = &bytes.Buffer{}
	r.mu.Unlock()
	uploadAccepted(w, rt.name, id, 0)
}

// uploadAccepted answers 202 with the session's location and the bytes received so far.
func uploadAccepted(w http.ResponseWriter, name, id string, n int) {
	w.Header().Set("Location", "/v2/"+name+"/blobs/uploads/"+id)
	w.Header().Set("Docker-Upload-UUID", id)
	last := n - 1
	if last < 0 {
		last = 0
	}
	w.Header().Set("Range", "0-"+strconv.Itoa(last))
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusAccepted)
}

// appendUpload adds body to upload id and returns its new length, or false when the
// session is unknown.
func (r *Registry) appendUpload(id string, body io.Reader) (int, bool, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return 0, true, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	buf, ok := r.uploads[id]
	if !ok {
		return 0, false, nil
	}
	buf.Write(data)
	return buf.Len(), true, nil
}

func (r *Registry) patchUpload(w http.ResponseWriter, rt v2Route, body io.Reader) {
	n, ok, err := r.appendUpload(rt.ref, body)
	switch {
	case !ok:
		registryError(w, http.StatusNotFound, "BLOB_UPLOAD_UNKNOWN", "upload unknown: "+rt.ref)
	case err != nil:
		registryError(w, http.StatusBadRequest, "BLOB_UPLOAD_INVALID", err.Error())
	default:
		uploadAccepted(w, rt.name, rt.ref, n)
	}
}

func (r *Registry) uploadStatus(w http.ResponseWriter, rt v2Route) {
	r.mu.Lock()
	buf, ok := r.uploads[rt.ref]
	n := 0
	if ok {
		n = buf.Len()
	}
	r.mu.Unlock()
	if !ok {
		registryError(w, http.StatusNotFound, "BLOB_UPLOAD_UNKNOWN", "upload unknown: "+rt.ref)
		return
	}
	w.Header().Set("Location", "/v2/"+rt.name+"/blobs/uploads/"+rt.ref)
	w.Header().Set("Range", "0-"+strconv.Itoa(max(n-1, 0)))
	w.WriteHeader(http.StatusNoContent)
}

func (r *Registry) finishUpload(w http.ResponseWriter, req *http.Request, rt v2Route, body io.Reader) {
	d := req.URL.Query().Get("digest")
	if d == "" {
		registryError(w, http.StatusBadRequest, "DIGEST_INVALID", "digest query parameter missing")
		return
	}
	if _, ok, err := r.appendUpload(rt.ref, body); !ok || err != nil {
		if !ok {
			registryError(w, http.StatusNotFound, "BLOB_UPLOAD_UNKNOWN", "upload unknown: "+rt.ref)
		} else {
			registryError(w, http.StatusBadRequest, "BLOB_UPLOAD_INVALID", err.Error())
		}
		return
	}
	r.mu.Lock()
	data := r.uploads[rt.ref].Bytes()
	delete(r.uploads, rt.ref)
	r.mu.Unlock()
	r.commitBlob(w, rt.name, d, data)
}

// sha256Digest is the digest string of data.
func sha256Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// commitBlob stores data when it matches digest d (only sha256 is supported).
func (r *Registry) commitBlob(w http.ResponseWriter, name, d string, data []byte) {
	if got := sha256Digest(data); got != d {
		registryError(w, http.StatusBadRequest, "DIGEST_INVALID", fmt.Sprintf("digest %s does not match the content (%s)", d, got))
		return
	}
	r.mu.Lock()
	if r.blobs == nil {
		r.blobs = map[string][]byte{}
	}
	r.blobs[d] = data
	r.mu.Unlock()
	w.Header().Set("Location", "/v2/"+name+"/blobs/"+d)
	w.Header().Set("Docker-Content-Digest", d)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
}

// manifestRefs is what the registry reads from an image manifest: the blobs it names.
type manifestRefs struct {
	SchemaVersion int    `json:"schemaVersion"`
	MediaType     string `json:"mediaType"`
	Config        struct {
		Digest string `json:"digest"`
	} `json:"config"`
	Layers []struct {
		Digest string `json:"digest"`
	} `json:"layers"`
	Manifests []struct {
		Digest string `json:"digest"`
	} `json:"manifests"`
}

// parseManifest decodes a schema 2 image manifest or index and lists the blob digests
// (config and layers) it needs.
func parseManifest(body []byte) (blobs []string, err error) {
	var m manifestRefs
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("manifest is not JSON: %v", err)
	}
	if m.SchemaVersion != 2 {
		return nil, fmt.Errorf("manifest schemaVersion %d is not supported (want 2)", m.SchemaVersion)
	}
	if len(m.Manifests) > 0 { // an index names other manifests, not blobs
		return nil, nil
	}
	if m.Config.Digest == "" {
		return nil, fmt.Errorf("manifest has no config.digest")
	}
	blobs = append(blobs, m.Config.Digest)
	for i, l := range m.Layers {
		if l.Digest == "" {
			return nil, fmt.Errorf("manifest layers[%d] has no digest", i)
		}
		blobs = append(blobs, l.Digest)
	}
	return blobs, nil
}

func (r *Registry) putManifest(w http.ResponseWriter, req *http.Request, rt v2Route, body io.Reader) {
	data, err := io.ReadAll(body)
	if err != nil {
		registryError(w, http.StatusBadRequest, "MANIFEST_INVALID", err.Error())
		return
	}
	need, err := parseManifest(data)
	if err != nil {
		registryError(w, http.StatusBadRequest, "MANIFEST_INVALID", err.Error())
		return
	}
	for _, d := range need {
		if !r.HasBlob(d) {
			registryError(w, http.StatusBadRequest, "MANIFEST_BLOB_UNKNOWN", "manifest names unknown blob "+d)
			return
		}
	}
	d := sha256Digest(data)
	if strings.HasPrefix(rt.ref, "sha256:") && rt.ref != d {
		registryError(w, http.StatusBadRequest, "DIGEST_INVALID", "manifest digest does not match "+rt.ref)
		return
	}
	m := stored{mediaType: req.Header.Get("Content-Type"), body: data, digest: d}
	r.mu.Lock()
	if r.manifests == nil {
		r.manifests = map[string]map[string]stored{}
	}
	if r.manifests[rt.name] == nil {
		r.manifests[rt.name] = map[string]stored{}
	}
	r.manifests[rt.name][rt.ref] = m
	r.manifests[rt.name][d] = m
	r.pushes++
	r.mu.Unlock()
	w.Header().Set("Location", "/v2/"+rt.name+"/manifests/"+d)
	w.Header().Set("Docker-Content-Digest", d)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
}

func (r *Registry) getManifest(w http.ResponseWriter, req *http.Request, rt v2Route) {
	body, d, ok := r.Manifest(rt.name, rt.ref)
	if !ok {
		registryError(w, http.StatusNotFound, "MANIFEST_UNKNOWN", "manifest unknown: "+rt.name+":"+rt.ref)
		return
	}
	r.mu.Lock()
	mt := r.manifests[rt.name][rt.ref].mediaType
	r.mu.Unlock()
	if mt != "" {
		w.Header().Set("Content-Type", mt)
	}
	w.Header().Set("Docker-Content-Digest", d)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if req.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}
