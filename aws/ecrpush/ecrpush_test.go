package ecrpush

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/deploybench/deploybench/aws/awsfake"
	"github.com/deploybench/deploybench/runtime/docker/dockertest"
)

func TestDecodeToken(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name, token, user, pass, err string
	}{
		{"ecr token", b64([]byte("AWS:secret:with:colons")), "AWS", "secret:with:colons", ""},
		{"not base64", "%%%", "", "", "not base64"},
		{"no colon", b64([]byte("AWSsecret")), "", "", `"user:password"`},
		{"empty password", b64([]byte("AWS:")), "", "", `"user:password"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, p, err := DecodeToken(tt.token)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || u != tt.user || p != tt.pass {
				t.Fatalf("DecodeToken = %q, %q, %v; want %q, %q", u, p, err, tt.user, tt.pass)
			}
		})
	}
}

func FuzzDecodeToken(f *testing.F) {
	f.Add(base64.StdEncoding.EncodeToString([]byte("AWS:pw")))
	f.Add("")
	f.Add("QVdTOg==")
	f.Fuzz(func(t *testing.T, tok string) {
		u, p, err := DecodeToken(tok)
		if err == nil && (u == "" || p == "") {
			t.Fatalf("accepted %q with empty user or password", tok)
		}
	})
}

func TestValidateRepository(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"deploybench/app", true}, {"a1", true}, {"x.y-z_w/q", true},
		{"A", false}, {"Upper/case", false}, {"trailing/", false}, {"a", false}, {"a--", false},
		{strings.Repeat("a", 257), false}, {"", false}, {"a b", false},
	} {
		if err := ValidateRepository(tt.name); (err == nil) != tt.ok {
			t.Errorf("ValidateRepository(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestRemoteTag(t *testing.T) {
	id := "sha256:0123456789abcdef0123"
	for _, tt := range []struct{ local, want string }{
		{"deploybench/app:v3", "v3"},
		{"deploybench/app", "img-0123456789ab"},
		{"deploybench/app:latest", "img-0123456789ab"},
		{"localhost:5000/app:1.2", "1.2"},
		{"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "img-0123456789ab"},
	} {
		if got := remoteTag(tt.local, id); got != tt.want {
			t.Errorf("remoteTag(%q) = %q, want %q", tt.local, got, tt.want)
		}
	}
}

func TestRegistryHost(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		{"http://127.0.0.1:5000", "127.0.0.1:5000"},
		{"not a url", ""},
		{"", ""},
	} {
		got, err := registryHost(tt.in)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("registryHost(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestAuxDigest(t *testing.T) {
	for _, tt := range []struct{ aux, want string }{
		{`{"Tag":"v1","Digest":"sha256:abc","Size":525}`, "sha256:abc"},
		{`{"Tag":"v1"}`, ""},
		{`{"Digest":"md5:x"}`, ""},
		{`not json`, ""},
	} {
		if got := auxDigest([]byte(tt.aux)); got != tt.want {
			t.Errorf("auxDigest(%s) = %q, want %q", tt.aux, got, tt.want)
		}
	}
}

// fakeAWS is a fake registry and a fake ECR control plane whose token opens it.
type fakeAWS struct {
	reg    *awsfake.Registry
	ecr    *awsfake.ECR
	client *ecr.Client
}

// startFakes starts the registry with password regPass and an ECR fake handing out
// tokenPass, and an SDK ECR client pointed at the fake.
func startFakes(t *testing.T, regPass, tokenPass string) fakeAWS {
	t.Helper()
	reg := awsfake.NewRegistry("AWS", regPass)
	host, stopReg, err := reg.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopReg)
	fe := awsfake.NewECR(host, tokenPass)
	endpoint, stopECR, err := fe.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopECR)
	c := ecr.New(ecr.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	return fakeAWS{reg: reg, ecr: fe, client: c}
}

// helloPkg is the tiny static program the pushed test image runs.
const helloPkg = "github.com/deploybench/deploybench/aws/ecrpush/testdata/hello"

// TestPushToFakeECR pushes a real image through a real engine to the fake registry,
// authorised by the fake ECR's token, and checks the registry holds what the URI names.
func TestPushToFakeECR(t *testing.T) {
	cli := dockertest.Engine(t)
	img := dockertest.GoImage(t, cli, helloPkg)
	f := startFakes(t, "tok3n", "tok3n")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var progress strings.Builder
	p := &Pusher{Docker: cli, ECR: f.client, Progress: &progress}
	uri, err := p.Push(ctx, img, "deploybench/ecrpush-test")
	if err != nil {
		t.Fatalf("Push: %v", err)
	}
	host, digest, ok := strings.Cut(uri, "/deploybench/ecrpush-test@")
	if !ok || !strings.HasPrefix(host, "127.0.0.1:") || !strings.HasPrefix(digest, "sha256:") {
		t.Fatalf("uri = %q, want 127.0.0.1:PORT/deploybench/ecrpush-test@sha256:…", uri)
	}
	if _, d, ok := f.reg.Manifest("deploybench/ecrpush-test", digest); !ok || d != digest {
		t.Fatalf("registry has no manifest %s (got %q, %v)", digest, d, ok)
	}
	tag := strings.TrimPrefix(img[strings.LastIndex(img, ":"):], ":")
	if _, d, ok := f.reg.Manifest("deploybench/ecrpush-test", tag); !ok || d != digest {
		t.Errorf("registry tag %s → %q, %v; want %s", tag, d, ok, digest)
	}
	if tags, ok := f.ecr.RepositoryTags("deploybench/ecrpush-test"); !ok || tags[TagKey] != TagValue {
		t.Errorf("repository tags = %v, %v; want %s=%s", tags, ok, TagKey, TagValue)
	}
	if !strings.Contains(progress.String(), "Pushed") && !strings.Contains(progress.String(), "digest") {
		t.Errorf("no push progress was streamed: %q", progress.String())
	}
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] == lines[i-1] {
			t.Errorf("progress repeats %q", lines[i])
		}
	}
	// The registry tag is removed after the push; the local image keeps its name.
	if _, err := cli.ImageInspect(ctx, host+"/deploybench/ecrpush-test:"+tag); err == nil {
		t.Errorf("registry tag left on the engine after the push")
	}

	// A second push finds the repository and creates nothing.
	uri2, err := Push(ctx, cli, f.client, img, "deploybench/ecrpush-test")
	if err != nil || uri2 != uri {
		t.Fatalf("second Push = %q, %v; want %q", uri2, err, uri)
	}
	calls := strings.Join(f.ecr.Calls(), ",")
	want := "DescribeRepositories,CreateRepository,GetAuthorizationToken,DescribeRepositories,GetAuthorizationToken"
	if calls != want {
		t.Errorf("ECR calls = %s, want %s", calls, want)
	}
	if n := f.reg.Pushes(); n != 2 {
		t.Errorf("registry saw %d manifest puts, want 2", n)
	}
}

// TestPushFailures checks that each failure is one clear error and pushes nothing.
func TestPushFailures(t *testing.T) {
	cli := dockertest.Engine(t)
	img := dockertest.GoImage(t, cli, helloPkg)
	tests := []struct {
		name, image, repo, regPass, tokenPass, want string
	}{
		{"wrong token", img, "deploybench/bad-token", "right", "wrong", "refused the authorization token"},
		{"missing image", "deploybench-test/no-such-image:v0", "deploybench/x", "p", "p", "build or load it first"},
		{"bad repository", img, "Bad_Repo", "p", "p", "not a valid ECR repository name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFakes(t, tt.regPass, tt.tokenPass)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			uri, err := Push(ctx, cli, f.client, tt.image, tt.repo)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Push = %q, %v; want an error containing %q", uri, err, tt.want)
			}
			t.Logf("error: %v", err)
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if n := f.reg.Pushes(); n != 0 {
				t.Errorf("registry saw %d manifest puts, want 0", n)
			}
		})
	}
}

// TestPusherNeedsClients checks the zero Pusher's error.
func TestPusherNeedsClients(t *testing.T) {
	_, err := (&Pusher{}).Push(context.Background(), "x", "y")
	if err == nil || !strings.Contains(err.Error(), "needs a Docker client") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzAuxDigest(f *testing.F) {
	f.Add([]byte(`{"Tag":"v1","Digest":"sha256:abc","Size":525}`))
	f.Add([]byte(`{"Digest":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d := auxDigest(b); d != "" && !strings.HasPrefix(d, "sha256:") {
			t.Fatalf("auxDigest(%q) = %q", b, d)
		}
	})
}
