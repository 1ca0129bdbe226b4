package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/mnist"
	"github.com/deploybench/deploybench/server"
)

func init() { register(newSelfTestCmd) }

// demoMinAccuracy is the self-test accuracy below which demo exits with code 3: the
// built-in MLP scores about 0.97 on the embedded test split, so a lower score on its
// first images means the image path or the model is broken.
const demoMinAccuracy = 0.8

func newSelfTestCmd() *cobra.Command {
	var model string
	var samples int
	c := &cobra.Command{
		Use:   "selftest",
		Short: "Serve the built-in classifier and send it real handwritten digits (offline, seconds)",
		Long: `selftest starts the inference service on a free 127.0.0.1 port with a built-in model,
sends it handwritten digits from the embedded MNIST test split as PNG images, prints each
prediction against the truth, the accuracy and a latency summary, then shuts the server
down. It needs no network and no files. Exit code 3 if the accuracy is below 0.8.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if samples < 1 || samples > 2000 {
				return usagef("selftest: --samples %d must be between 1 and 2000", samples)
			}
			loader, err := modelLoader(model, 1)
			if err != nil {
				return asUsage(fmt.Errorf("selftest: %w", err))
			}
			return runDemo(cmd.Context(), loader, samples, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	c.Flags().StringVar(&model, "model", "builtin:mlp", "model to serve: builtin:mlp, builtin:svm or a model file")
	c.Flags().IntVar(&samples, "samples", 20, "number of test digits to send (1–2000)")
	return c
}

// demoSamples encodes n digits spread over the embedded test split as PNG requests.
func demoSamples(n int) ([]server.Sample, error) {
	split, err := mnist.Embedded()
	if err != nil {
		return nil, fmt.Errorf("demo: embedded digits: %w", err)
	}
	test := split.Test
	n = min(n, test.Len())
	out := make([]server.Sample, 0, n)
	for i := range n {
		// A prime stride mixes the digits; the split is grouped by digit in places.
		idx := (i*997 + 13) % test.Len()
		body, err := server.EncodePNG(test.Image(idx))
		if err != nil {
			return nil, err
		}
		out = append(out, server.Sample{Label: int(test.Labels[idx]), Body: body, ContentType: "image/png"})
	}
	return out, nil
}

func runDemo(ctx context.Context, loader server.Loader, n int, stdout, stderr io.Writer) error {
	samples, err := demoSamples(n)
	if err != nil {
		return err
	}
	var ready server.ReadyInfo
	s, err := server.New(server.Config{Loader: loader, OnReady: func(ri server.ReadyInfo) { ready = ri }})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: cannot listen on 127.0.0.1: %v", err)
	}
	srvCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- s.Run(srvCtx, ln) }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	rep, err := demoExchange(ctx, client, base, samples, done)
	if err != nil {
		stop()
		<-done
		return err
	}
	stop()
	if err := <-done; err != nil {
		return fmt.Errorf("demo: server shutdown: %w", err)
	}

	fmt.Fprintf(stdout, "server %s ready in %s (model %s %s, test accuracy %.4f)\n",
		base, ready.Startup.Round(time.Millisecond), rep.Model.Name, rep.Model.Version, rep.Model.Accuracy)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "#\ttruth\tpredicted\tconfidence\tlatency\tcompute\t")
	for i, r := range rep.Results {
		mark := ""
		if r.Digit != r.Label {
			mark = "  ✗"
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.3f\t%s\t%.0fµs\t%s\n", i+1, r.Label, r.Digit, r.Confidence,
			r.Latency.Round(time.Microsecond), r.ComputeMicros, mark)
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "accuracy %d/%d = %.3f; round trip p50 %s, p90 %s, max %s (PNG over HTTP on loopback)\n",
		rep.Correct, len(rep.Results), rep.Accuracy, rep.P50.Round(time.Microsecond), rep.P90.Round(time.Microsecond), rep.Max.Round(time.Microsecond))
	fmt.Fprintln(stdout, "server shut down cleanly")
	if rep.Accuracy < demoMinAccuracy {
		return thresholdError{fmt.Errorf("demo: accuracy %.3f is below %.2f; the image path or the model is broken", rep.Accuracy, demoMinAccuracy)}
	}
	return nil
}

// demoExchange waits for the server and runs the self test; an early server exit (e.g.
// the model failed to load) ends the wait.
func demoExchange(ctx context.Context, client *http.Client, base string, samples []server.Sample, done <-chan error) (server.SelfTestReport, error) {
	waitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	healthy := make(chan error, 1)
	go func() { healthy <- server.WaitHealthy(waitCtx, client, base) }()
	select {
	case err := <-healthy:
		if err != nil {
			return server.SelfTestReport{}, fmt.Errorf("demo: %w", err)
		}
	case err := <-done:
		cancel()
		<-healthy
		if err == nil {
			err = errors.New("server stopped before it was ready")
		}
		return server.SelfTestReport{}, fmt.Errorf("demo: %w", err)
	}
	rep, err := server.SelfTest(ctx, client, base, samples)
	if err != nil {
		return rep, fmt.Errorf("demo: %w", err)
	}
	return rep, nil
}
