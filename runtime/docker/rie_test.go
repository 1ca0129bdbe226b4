package docker_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/runtime"
	"github.com/deploybench/deploybench/runtime/docker"
	"github.com/deploybench/deploybench/runtime/docker/dockertest"
)

// handlerPkg is a Lambda handler built with aws-lambda-go: it speaks only the Runtime API.
const handlerPkg = "github.com/deploybench/deploybench/runtime/docker/testdata/lambdahandler"

// TestLambdaRIE runs two handler containers side by side behind the emulator built from
// its module (FROM scratch image, host network, each on its own ports) and invokes each.
func TestLambdaRIE(t *testing.T) {
	cli := dockertest.Engine(t)
	image := dockertest.GoImage(t, cli, handlerPkg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rie, err := docker.BuildRIE(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := docker.New(ctx, docker.Options{VCPUFraction: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if n := dockertest.Containers(t, cli, docker.LabelRun+"="+b.RunLabel()); n != 0 {
			t.Errorf("%d containers left after Close", n)
		}
	}()
	rb := b.LambdaRIE(rie)
	if rb.Name() != "docker" {
		t.Errorf("Name = %q", rb.Name())
	}
	var insts []runtime.Instance
	for range 2 {
		in, err := rb.Start(ctx, runtime.Spec{Name: "fn", Image: image, HealthPath: "/ignored", VCPU: 1, MemoryMiB: 128,
			Labels: map[string]string{"platform": "test"}})
		if err != nil {
			t.Fatal(err)
		}
		rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
		err = in.WaitReady(rctx)
		rcancel()
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, in)
	}
	for i, in := range insts {
		for n := 1; n <= 2; n++ {
			ev := `{"version":"2.0","rawPath":"/x","rawQueryString":"a=1","body":"b","requestContext":{"http":{"method":"POST","path":"/x"}}}`
			resp, err := http.Post("http://"+in.Addr()+"/2015-03-31/functions/function/invocations", "application/json", strings.NewReader(ev))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var out struct {
				StatusCode int               `json:"statusCode"`
				Headers    map[string]string `json:"headers"`
				Body       string            `json:"body"`
			}
			if resp.StatusCode != 200 || json.Unmarshal(body, &out) != nil {
				t.Fatalf("instance %d: %d %s", i, resp.StatusCode, body)
			}
			if out.StatusCode != 201 || out.Body != "hello POST /x?a=1 b" || out.Headers["X-Invocation"] != string(rune('0'+n)) {
				t.Errorf("instance %d invocation %d: %+v", i, n, out)
			}
		}
	}
	for _, in := range insts {
		if err := in.Stop(time.Second); err != nil {
			t.Error(err)
		}
	}
}
