// Command awsfake serves the fake AWS APIs of package aws/awsfake on a loopback address —
// CloudFormation, STS, CloudWatch and ECR, with a fake image registry behind ECR — and a
// stand-in classifier endpoint every stack's EndpointURL points at, so that
// `deploybench aws run --endpoint URL` and `deploybench aws cleanup --endpoint URL` can be
// tried end to end without an AWS account. It is test support, not an emulator of AWS.
//
//	go run ./cmd/awsfake --addr 127.0.0.1:0
//
// prints the URL to pass as --endpoint and serves until Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/deploybench/deploybench/aws/awsfake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the flags, serves until ctx ends and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("awsfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4566", "loopback address to serve the AWS APIs on (port 0 picks a free one)")
	endpointAddr := fs.String("endpoint-addr", "127.0.0.1:0", "loopback address of the stand-in classifier endpoint")
	createDelay := fs.Duration("create-delay", 2*time.Second, "how long a stack stays CREATE_IN_PROGRESS")
	deleteDelay := fs.Duration("delete-delay", time.Second, "how long a stack stays DELETE_IN_PROGRESS")
	fail := fs.String("fail", "", "stacks whose name contains this string fail to create (CREATE_FAILED → ROLLBACK_COMPLETE)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "awsfake: unexpected argument %q (flags only; see -h)\n", fs.Arg(0))
		return 2
	}
	if *createDelay < 0 || *deleteDelay < 0 {
		fmt.Fprintln(stderr, "awsfake: --create-delay and --delete-delay must not be negative")
		return 2
	}
	cl, err := awsfake.StartClassifier(*endpointAddr)
	if err != nil {
		fmt.Fprintf(stderr, "awsfake: %v\n", err)
		return 1
	}
	defer cl.Close()
	// The image step: a registry the Docker engine can push to (it trusts 127.0.0.0/8
	// over plain HTTP) and the ECR control plane that hands out its credentials, on the
	// same endpoint as the other services.
	password := fmt.Sprintf("fake-%d", time.Now().UnixNano())
	registryHost, stopRegistry, err := awsfake.NewRegistry("AWS", password).Start()
	if err != nil {
		fmt.Fprintf(stderr, "awsfake: %v\n", err)
		return 1
	}
	defer stopRegistry()
	ecr := awsfake.NewECR(registryHost, password)
	srv, err := awsfake.Start(*addr, awsfake.Config{CreateDelay: *createDelay, DeleteDelay: *deleteDelay, EndpointURL: cl.URL,
		Wrap: func(h http.Handler) http.Handler { return awsfake.WithECR(h, ecr) }})
	if err != nil {
		fmt.Fprintf(stderr, "awsfake: %v\n", err)
		return 2
	}
	defer srv.Close()
	if *fail != "" {
		srv.FailStacks(*fail, "failure injected by awsfake --fail "+*fail)
	}
	fmt.Fprintln(stdout, srv.URL)
	fmt.Fprintf(stderr, "awsfake: AWS APIs on %s (CloudFormation, STS, CloudWatch GetMetricData, ECR); image registry %s; stack endpoints → %s; Ctrl-C stops\n", srv.URL, registryHost, cl.URL)
	<-ctx.Done()
	if left := srv.Stacks(); len(left) > 0 {
		fmt.Fprintf(stderr, "awsfake: %d stacks still existed at exit\n", len(left))
	}
	return 0
}
