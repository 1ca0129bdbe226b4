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

// invoke posts one v2.0 event to an emulator and checks the handler's answer.
func invoke(tb testing.TB, c *http.Client, addr string) {
	tb.Helper()
	ev := `{"version":"2.0","rawPath":"/x","requestContext":{"http":{"method":"GET","path":"/x"}}}`
	resp, err := c.Post("http://"+addr+"/2015-03-31/functions/function/invocations", "application/json", strings.NewReader(ev))
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"statusCode":201`) {
		tb.Fatalf("invocation: %d %s", resp.StatusCode, body)
	}
}

// BenchmarkLambdaRIE measures a handler image behind the emulator: "cold" is one
// execution environment's life up to its first answer (container create + start, the
// emulator up, the handler's INIT and first invocation; the container is then removed,
// outside the timing), "warm" one invocation of a running environment. It reports the
// cold start's parts as create-ms (create + start), rie-up-ms (until the emulator
// accepts connections) and first-invoke-ms (the handler's INIT + first invocation).
//
//	go test -run XXX -bench LambdaRIE -benchtime 10x ./runtime/docker
func BenchmarkLambdaRIE(b *testing.B) {
	cli := dockertest.Engine(b)
	image := dockertest.GoImage(b, cli, handlerPkg)
	ctx := context.Background()
	rie, err := docker.BuildRIE(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	be, err := docker.New(ctx, docker.Options{VCPUFraction: 0.5})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	rb := be.LambdaRIE(rie)
	spec := runtime.Spec{Name: "fn", Image: image, VCPU: 1, MemoryMiB: 512, Labels: map[string]string{"platform": "bench"}}
	c := &http.Client{Timeout: 30 * time.Second}
	b.Run("cold", func(b *testing.B) {
		var create, up, first time.Duration
		for b.Loop() {
			t0 := time.Now()
			in, err := rb.Start(ctx, spec)
			if err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := in.WaitReady(ctx); err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			invoke(b, c, in.Addr())
			t3 := time.Now()
			create, up, first = create+t1.Sub(t0), up+t2.Sub(t1), first+t3.Sub(t2)
			b.StopTimer()
			if err := in.Stop(time.Second); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		n := float64(b.N)
		b.ReportMetric(float64(create.Milliseconds())/n, "create-ms")
		b.ReportMetric(float64(up.Milliseconds())/n, "rie-up-ms")
		b.ReportMetric(float64(first.Milliseconds())/n, "first-invoke-ms")
	})
	b.Run("warm", func(b *testing.B) {
		in, err := rb.Start(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		defer in.Stop(time.Second)
		if err := in.WaitReady(ctx); err != nil {
			b.Fatal(err)
		}
		invoke(b, c, in.Addr())
		for b.Loop() {
			invoke(b, c, in.Addr())
		}
	})
}
