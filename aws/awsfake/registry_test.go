package awsfake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// regClient drives the registry's distribution API over real HTTP.
type regClient struct {
	t    *testing.T
	base string
	user string
	pass string
}

func (c regClient) do(method, path string, body []byte, hdr map[string]string) *http.Response {
	c.t.Helper()
	u := path
	if !strings.HasPrefix(u, "http") {
		u = c.base + path
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func startRegistry(t *testing.T) (*Registry, regClient) {
	t.Helper()
	r := NewRegistry("AWS", "pw")
	host, stop, err := r.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return r, regClient{t: t, base: "http://" + host, user: "AWS", pass: "pw"}
}

// uploadBlob uploads data in two chunks and returns its digest.
func uploadBlob(c regClient, name string, data []byte) string {
	c.t.Helper()
	resp := c.do("POST", "/v2/"+name+"/blobs/uploads/", nil, nil)
	if resp.StatusCode != http.StatusAccepted {
		c.t.Fatalf("POST upload = %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	half := len(data) / 2
	resp = c.do("PATCH", loc, data[:half], nil)
	if resp.StatusCode != http.StatusAccepted {
		c.t.Fatalf("PATCH = %d", resp.StatusCode)
	}
	d := sha256Digest(data)
	resp = c.do("PUT", resp.Header.Get("Location")+"?digest="+d, data[half:], nil)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Docker-Content-Digest") != d {
		c.t.Fatalf("PUT upload = %d %q", resp.StatusCode, resp.Header.Get("Docker-Content-Digest"))
	}
	return d
}

func TestRegistryPushFlow(t *testing.T) {
	r, c := startRegistry(t)
	if resp := c.do("GET", "/v2/", nil, nil); resp.StatusCode != 200 ||
		resp.Header.Get("Docker-Distribution-API-Version") != "registry/2.0" {
		t.Fatalf("GET /v2/ = %d", resp.StatusCode)
	}
	name := "deploybench/app"
	layer := uploadBlob(c, name, []byte("layer bytes, not a real tarball"))
	config := uploadBlob(c, name, []byte(`{"architecture":"amd64"}`))
	if resp := c.do("HEAD", "/v2/"+name+"/blobs/"+layer, nil, nil); resp.StatusCode != 200 {
		t.Fatalf("HEAD blob = %d", resp.StatusCode)
	}
	manifest, _ := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.docker.distribution.manifest.v2+json",
		"config":        map[string]any{"digest": config},
		"layers":        []any{map[string]any{"digest": layer}},
	})
	resp := c.do("PUT", "/v2/"+name+"/manifests/v1", manifest,
		map[string]string{"Content-Type": "application/vnd.docker.distribution.manifest.v2+json"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT manifest = %d", resp.StatusCode)
	}
	d := resp.Header.Get("Docker-Content-Digest")
	if d != sha256Digest(manifest) {
		t.Fatalf("manifest digest = %q", d)
	}
	for _, ref := range []string{"v1", d} {
		resp := c.do("HEAD", "/v2/"+name+"/manifests/"+ref, nil, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Docker-Content-Digest") != d {
			t.Errorf("HEAD manifest %s = %d", ref, resp.StatusCode)
		}
	}
	if body, _, ok := r.Manifest(name, "v1"); !ok || !bytes.Equal(body, manifest) {
		t.Errorf("Manifest(v1) = %s, %v", body, ok)
	}
	if r.Pushes() != 1 {
		t.Errorf("Pushes = %d", r.Pushes())
	}
	// A cross-repository mount of a known blob completes at once.
	if resp := c.do("POST", "/v2/other/blobs/uploads/?mount="+layer+"&from="+name, nil, nil); resp.StatusCode != http.StatusCreated {
		t.Errorf("mount = %d, want 201", resp.StatusCode)
	}
}

func TestRegistryRejects(t *testing.T) {
	_, c := startRegistry(t)
	name := "app"
	known := uploadBlob(c, name, []byte("x"))
	badManifest, _ := json.Marshal(map[string]any{"schemaVersion": 2, "config": map[string]any{"digest": known},
		"layers": []any{map[string]any{"digest": sha256Digest([]byte("never uploaded"))}}})
	tests := []struct {
		name   string
		client regClient
		method string
		path   string
		body   []byte
		status int
	}{
		{"no credentials", regClient{t: t, base: c.base}, "GET", "/v2/", nil, http.StatusUnauthorized},
		{"wrong password", regClient{t: t, base: c.base, user: "AWS", pass: "no"}, "GET", "/v2/", nil, http.StatusUnauthorized},
		{"unknown blob", c, "HEAD", "/v2/app/blobs/" + sha256Digest([]byte("?")), nil, http.StatusNotFound},
		{"monolithic upload with a wrong digest", c, "POST", "/v2/app/blobs/uploads/?digest=" + sha256Digest([]byte("a")), []byte("b"), http.StatusBadRequest},
		{"unknown upload", c, "PATCH", "/v2/app/blobs/uploads/nope", []byte("b"), http.StatusNotFound},
		{"manifest naming a missing blob", c, "PUT", "/v2/app/manifests/v1", badManifest, http.StatusBadRequest},
		{"manifest not json", c, "PUT", "/v2/app/manifests/v1", []byte("{"), http.StatusBadRequest},
		{"unknown manifest", c, "GET", "/v2/app/manifests/v9", nil, http.StatusNotFound},
		{"upper-case name", c, "GET", "/v2/App/manifests/v1", nil, http.StatusNotFound},
		{"delete unsupported", c, "DELETE", "/v2/app/manifests/v1", nil, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.client.t = t
			if resp := tt.client.do(tt.method, tt.path, tt.body, nil); resp.StatusCode != tt.status {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
			}
		})
	}
	// A chunked upload whose bytes do not match its digest is refused.
	resp := c.do("POST", "/v2/app/blobs/uploads/", nil, nil)
	if resp = c.do("PUT", resp.Header.Get("Location")+"?digest="+sha256Digest([]byte("a")), []byte("b"), nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("PUT with a wrong digest = %d, want 400", resp.StatusCode)
	}
}

func TestParseV2Path(t *testing.T) {
	tests := []struct {
		path string
		want v2Route
		ok   bool
	}{
		{"/v2/", v2Route{kind: "base"}, true},
		{"/v2/a/b/blobs/sha256:ab", v2Route{"blob", "a/b", "sha256:ab"}, true},
		{"/v2/a/blobs/uploads/", v2Route{"upload", "a", ""}, true},
		{"/v2/a/blobs/uploads/xyz", v2Route{"upload", "a", "xyz"}, true},
		{"/v2/x/manifests/latest", v2Route{"manifest", "x", "latest"}, true},
		{"/v2/blobs/uploads/x/manifests/v1", v2Route{"manifest", "blobs/uploads/x", "v1"}, true},
		{"/v3/x/manifests/v1", v2Route{}, false},
		{"/v2/X/manifests/v1", v2Route{}, false},
		{"/v2/x/manifests/", v2Route{}, false},
		{"/v2/x/tags/list", v2Route{}, false},
		{"/v2/a/blobs/uploads/x/y", v2Route{}, false},
	}
	for _, tt := range tests {
		got, err := parseV2Path(tt.path)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("parseV2Path(%q) = %+v, %v; want %+v ok=%v", tt.path, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParseV2Path(f *testing.F) {
	for _, s := range []string{"/v2/", "/v2/a/b/blobs/sha256:ab", "/v2/a/blobs/uploads/", "/v2/x/manifests/v1", "/v2//manifests/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		rt, err := parseV2Path(p)
		if err == nil && rt.kind != "base" && !validRepoName(rt.name) {
			t.Fatalf("accepted %q with an invalid name %q", p, rt.name)
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":2,"config":{"digest":"sha256:a"},"layers":[{"digest":"sha256:b"}]}`))
	f.Add([]byte(`{"schemaVersion":2,"manifests":[{"digest":"sha256:a"}]}`))
	f.Add([]byte(`{"schemaVersion":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		blobs, err := parseManifest(b)
		if err != nil {
			return
		}
		for _, d := range blobs {
			if d == "" {
				t.Fatalf("empty digest accepted from %s", b)
			}
		}
	})
}
