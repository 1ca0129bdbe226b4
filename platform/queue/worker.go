package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/deploybench/deploybench/mnist"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// WorkerOptions configures RunWorker.
type WorkerOptions struct {
	// URL is the NATS server; Stream the stream (see StartBroker).
	URL    string
	Stream string
	// Port is where /healthz answers once the worker is bound to the queue: that is how
	// the task's readiness is seen ("" = no health endpoint).
	Port string
	// Log receives one line per job problem; nil discards.
	Log io.Writer
}

// RunWorker is a task's program: it binds to the stream's consumer, then pulls one job at
// a time, does its work (spins a CPU for the job's burn time), writes its completion
// record if none exists yet, and only then acknowledges it. A worker killed before the
// ack leaves the job to be redelivered after the AckWait; one killed between the record
// and the ack makes the next delivery find the record and just acknowledge. When ctx ends
// (SIGTERM on scale-in) it finishes the job in hand and returns nil.
func RunWorker(ctx context.Context, o WorkerOptions) error {
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	nc, err := nats.Connect(o.URL, nats.Name("deploybench-queue-worker"), nats.Timeout(5*time.Second))
	if err != nil {
		return fmt.Errorf("queue-worker: --nats %s: %w", o.URL, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("queue-worker: %w", err)
	}
	cons, err := js.Consumer(ctx, o.Stream, consumerName)
	if err != nil {
		return fmt.Errorf("queue-worker: --stream %s: consumer: %w", o.Stream, err)
	}
	kv, err := js.KeyValue(ctx, Bucket(o.Stream))
	if err != nil {
		return fmt.Errorf("queue-worker: --stream %s: bucket: %w", o.Stream, err)
	}
	if o.Port != "" {
		stop, err := serveHealth(o.Port)
		if err != nil {
			return err
		}
		defer stop()
	}
	w := &worker{nc: nc, kv: kv, stream: o.Stream, log: o.Log,
		name: "pid" + strconv.Itoa(os.Getpid()) + ":" + o.Port}
	for ctx.Err() == nil {
		msg, err := cons.Next(jetstream.FetchMaxWait(250 * time.Millisecond))
		switch {
		case errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoMessages):
			continue
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintln(o.Log, "queue-worker: fetch:", err)
			time.Sleep(50 * time.Millisecond) // back off from a broker that is going away
			continue
		}
		w.handle(msg)
	}
	return nil
}

type worker struct {
	nc     *nats.Conn
	kv     jetstream.KeyValue
	stream string
	name   string
	log    io.Writer
}

// handle processes one delivery. It never returns an error: a job it cannot complete is
// left unacknowledged (redelivered) or, when its payload is bad, terminated.
func (w *worker) handle(msg jetstream.Msg) {
	bg := context.Background()
	job, err := DecodeJob(msg.Data())
	if err != nil {
		fmt.Fprintln(w.log, "queue-worker: dropping a bad job:", err)
		_ = msg.Term()
		return
	}
	if _, err := w.kv.Get(bg, job.ID); err == nil { // completed by an earlier delivery
		_ = msg.Ack()
		return
	}
	var deliveries uint64 = 1
	if md, err := msg.Metadata(); err == nil {
		deliveries = md.NumDelivered
	}
	started := time.Now()
	_ = w.nc.Publish(EventsSubject(w.stream, "started"), []byte(job.ID+" "+w.name))
	predicted := -1
	if job.Digit != nil {
		predicted = classify(job.Digit)
	}
	spin(job.Burn() - time.Since(started)) // the classification is part of the work
	c := Completion{ID: job.ID, Worker: w.name, Deliveries: deliveries, Predicted: predicted, Label: job.Label, EnqueuedAt: job.EnqueuedAt,
		StartedAt: started.UnixNano(), DoneAt: time.Now().UnixNano()}
	rec, _ := json.Marshal(c)
	if _, err := w.kv.Create(bg, job.ID, rec); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		fmt.Fprintln(w.log, "queue-worker: record", job.ID+":", err)
		_ = msg.Nak()
		return
	} else if err == nil {
		_ = w.nc.Publish(EventsSubject(w.stream, "done"), []byte(job.ID+" "+w.name))
	}
	// A plain ack: were it lost, the redelivery would find the record and ack again.
	if err := msg.Ack(); err != nil {
		fmt.Fprintln(w.log, "queue-worker: ack", job.ID+":", err)
	}
}

// classify reads the digit of a 28×28 image with the built-in SVM; -1 if the model is
// missing from this build.
func classify(img []byte) int {
	m, _, err := mnist.Builtin("svm")
	if err != nil {
		return -1
	}
	x := make([]float32, mnist.Pixels)
	mnist.ToFloat(x, img)
	return mnist.Argmax(m.Predict(x))
}

func decodeCompletion(b []byte) (Completion, error) {
	var c Completion
	if err := json.Unmarshal(b, &c); err != nil {
		return c, err
	}
	return c, nil
}

// serveHealth answers GET /healthz on 127.0.0.1:port until stop is called.
func serveHealth(port string) (stop func(), err error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return nil, fmt.Errorf("queue-worker: --port %s: %w", port, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }, nil
}

// spin keeps one CPU busy for d of wall time: the job's work, visible to the CPU meter.
func spin(d time.Duration) {
	end := time.Now().Add(d)
	x := uint64(1)
	for time.Now().Before(end) {
		for i := 0; i < 1000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink = x
}

var sink uint64
