package awsfake

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

func startECR(t *testing.T) (*ECR, *ecr.Client, string) {
	t.Helper()
	fe := NewECR("127.0.0.1:5999", "pw")
	endpoint, stop, err := fe.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	c := ecr.New(ecr.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	return fe, c, endpoint
}

// TestECRWithSDK drives the fake with the SDK's own ECR client, so the wire format is
// the one the SDK version in go.mod speaks.
func TestECRWithSDK(t *testing.T) {
	fe, c, _ := startECR(t)
	ctx := context.Background()
	_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"deploybench/app"}})
	var nf *types.RepositoryNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("describe a missing repository: %v, want RepositoryNotFoundException", err)
	}
	out, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("deploybench/app"),
		Tags: []types.Tag{{Key: aws.String("deploybench"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.Repository.RepositoryUri); got != "127.0.0.1:5999/deploybench/app" {
		t.Errorf("repositoryUri = %q", got)
	}
	if out.Repository.CreatedAt == nil || out.Repository.CreatedAt.IsZero() {
		t.Errorf("createdAt not decoded")
	}
	if tags, _ := fe.RepositoryTags("deploybench/app"); tags["deploybench"] != "true" {
		t.Errorf("tags = %v", tags)
	}
	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("deploybench/app")})
	var exists *types.RepositoryAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("create twice: %v, want RepositoryAlreadyExistsException", err)
	}
	d, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	if err != nil || len(d.Repositories) != 1 || aws.ToString(d.Repositories[0].RepositoryName) != "deploybench/app" {
		t.Fatalf("describe all = %+v, %v", d, err)
	}
	tok, err := c.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil || len(tok.AuthorizationData) != 1 {
		t.Fatalf("GetAuthorizationToken = %+v, %v", tok, err)
	}
	raw, _ := base64.StdEncoding.DecodeString(aws.ToString(tok.AuthorizationData[0].AuthorizationToken))
	if string(raw) != "AWS:pw" || aws.ToString(tok.AuthorizationData[0].ProxyEndpoint) != "http://127.0.0.1:5999" {
		t.Errorf("token %q, proxy %q", raw, aws.ToString(tok.AuthorizationData[0].ProxyEndpoint))
	}
	if _, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("deploybench/app"), Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok := fe.RepositoryTags("deploybench/app"); ok {
		t.Errorf("repository left after DeleteRepository")
	}
	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("Bad Name")})
	if err == nil {
		t.Errorf("an invalid name was accepted")
	}
	want := "DescribeRepositories,CreateRepository,CreateRepository,DescribeRepositories,GetAuthorizationToken,DeleteRepository,CreateRepository"
	if got := strings.Join(fe.Calls(), ","); got != want {
		t.Errorf("calls = %s, want %s", got, want)
	}
}

func TestECRRejectsRaw(t *testing.T) {
	_, _, endpoint := startECR(t)
	tests := []struct {
		name, target, auth, body string
		status                   int
	}{
		{"unsigned", ECRTargetPrefix + "GetAuthorizationToken", "", "{}", http.StatusForbidden},
		{"other service", "Foo.Bar", "AWS4-HMAC-SHA256 x", "{}", http.StatusBadRequest},
		{"unknown op", ECRTargetPrefix + "PutImage", "AWS4-HMAC-SHA256 x", "{}", http.StatusBadRequest},
		{"bad json", ECRTargetPrefix + "CreateRepository", "AWS4-HMAC-SHA256 x", "{", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", endpoint, strings.NewReader(tt.body))
			req.Header.Set("X-Amz-Target", tt.target)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}

func FuzzDecodeECRRequest(f *testing.F) {
	f.Add(ECRTargetPrefix+"CreateRepository", []byte(`{"repositoryName":"a","tags":[{"Key":"k","Value":"v"}]}`))
	f.Add("x", []byte(`{`))
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		op, _, err := decodeECRRequest(target, body)
		if err == nil && (op == "" || !strings.HasPrefix(target, ECRTargetPrefix)) {
			t.Fatalf("accepted target %q", target)
		}
	})
}

// TestWithECR checks that one endpoint serves ECR beside another handler.
func TestWithECR(t *testing.T) {
	fe := NewECR("127.0.0.1:5999", "pw")
	other := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	srv := httptest.NewServer(WithECR(other, fe))
	defer srv.Close()
	c := ecr.New(ecr.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	if _, err := c.GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{}); err != nil {
		t.Fatalf("ECR through WithECR: %v", err)
	}
	resp, err := http.Post(srv.URL, "application/x-www-form-urlencoded", strings.NewReader("Action=DescribeStacks"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("non-ECR request answered %d, want the other handler's 418", resp.StatusCode)
	}
}
