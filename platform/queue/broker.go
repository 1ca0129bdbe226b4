package queue

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// BrokerOptions configures a Broker.
type BrokerOptions struct {
	// URL is an external NATS server (with JetStream enabled); "" embeds one.
	URL string
	// Stream names the work-queue stream (DefaultStream when empty); its subject is
	// Subject(Stream), its completion bucket Bucket(Stream).
	Stream string
	// AckWait is the wall-clock redelivery timeout of an unacknowledged job (> 0).
	AckWait time.Duration
	// TempDir is where the embedded server's store directory is created ("" = system temp).
	TempDir string
}

// Broker is the job queue: a JetStream work-queue stream with one durable pull consumer
// shared by all workers, and a KV bucket of completion records. Embedded, it owns a
// nats-server listening on 127.0.0.1 at a random port, with a temporary store that Close
// removes.
type Broker struct {
	o     BrokerOptions
	srv   *server.Server
	store string
	nc    *nats.Conn
	js    jetstream.JetStream
	cons  jetstream.Consumer
	kv    jetstream.KeyValue
	url   string
}

// Subject is the subject jobs of stream are published on.
func Subject(stream string) string { return stream + ".jobs" }

// Bucket is the KV bucket of stream's completion records.
func Bucket(stream string) string { return stream + "_done" }

// EventsSubject is the core NATS subject workers announce job starts and completions on
// ("<stream>.events.started", "<stream>.events.done"); nothing depends on it but reports
// and tests.
func EventsSubject(stream, kind string) string { return stream + ".events." + kind }

// consumerName is the durable pull consumer every worker binds to.
const consumerName = "workers"

// StartBroker starts (or connects to) NATS and creates the stream, consumer and bucket.
func StartBroker(ctx context.Context, o BrokerOptions) (*Broker, error) {
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if err := ValidID(o.Stream); err != nil {
		return nil, fmt.Errorf("queue: stream: %w", err)
	}
	if o.AckWait <= 0 {
		return nil, fmt.Errorf("queue: AckWait %v must be > 0", o.AckWait)
	}
	b := &Broker{o: o, url: o.URL}
	if o.URL == "" {
		if err := b.embed(); err != nil {
			return nil, err
		}
	}
	if err := b.connect(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// embed starts nats-server in this process: loopback, random port, own store, no
// signal handlers and no logging (the bench owns the terminal).
func (b *Broker) embed() error {
	dir, err := os.MkdirTemp(b.o.TempDir, "deploybench-nats-")
	if err != nil {
		return fmt.Errorf("queue: store dir: %w", err)
	}
	b.store = dir
	srv, err := server.NewServer(&server.Options{
		ServerName: "deploybench-queue", Host: "127.0.0.1", Port: server.RANDOM_PORT,
		JetStream: true, StoreDir: dir, NoSigs: true, NoLog: true, HTTPPort: 0,
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return fmt.Errorf("queue: nats-server: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		srv.WaitForShutdown()
		_ = os.RemoveAll(dir)
		return errors.New("queue: nats-server: not ready for connections within 10s")
	}
	b.srv = srv
	b.url = srv.ClientURL()
	return nil
}

func (b *Broker) connect(ctx context.Context) error {
	nc, err := nats.Connect(b.url, nats.Name("deploybench-queue"), nats.Timeout(5*time.Second))
	if err != nil {
		return fmt.Errorf("queue: connect %s: %w (is a NATS server with JetStream listening there?)", b.url, err)
	}
	b.nc = nc
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("queue: jetstream: %w", err)
	}
	b.js = js
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: b.o.Stream, Subjects: []string{Subject(b.o.Stream)},
		Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
		Duplicates: 10 * time.Minute, // the dedup window of Nats-Msg-Id
	})
	if err != nil {
		return fmt.Errorf("queue: stream %s: %w", b.o.Stream, err)
	}
	b.cons, err = js.CreateOrUpdateConsumer(ctx, b.o.Stream, jetstream.ConsumerConfig{
		Durable: consumerName, AckPolicy: jetstream.AckExplicitPolicy, AckWait: b.o.AckWait,
		MaxDeliver: -1, MaxAckPending: 1000,
	})
	if err != nil {
		return fmt.Errorf("queue: consumer: %w", err)
	}
	b.kv, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: Bucket(b.o.Stream), Storage: jetstream.FileStorage})
	if err != nil {
		return fmt.Errorf("queue: bucket: %w", err)
	}
	return nil
}

// URL is the NATS URL workers connect to.
func (b *Broker) URL() string { return b.url }

// Stream is the stream's name.
func (b *Broker) Stream() string { return b.o.Stream }

// Conn is the broker's client connection (for subscribing to worker events).
func (b *Broker) Conn() *nats.Conn { return b.nc }

// StoreDir is the embedded server's store directory ("" for an external server).
func (b *Broker) StoreDir() string { return b.store }

// Enqueue publishes jobs, each with its ID as Nats-Msg-Id so a re-published job is
// dropped by JetStream's duplicate window. It returns how many were new.
func (b *Broker) Enqueue(ctx context.Context, jobs ...Job) (int, error) {
	added := 0
	for _, j := range jobs {
		ack, err := b.js.Publish(ctx, Subject(b.o.Stream), j.Encode(), jetstream.WithMsgID(j.ID))
		if err != nil {
			return added, fmt.Errorf("queue: enqueue %s: %w", j.ID, err)
		}
		if !ack.Duplicate {
			added++
		}
	}
	return added, nil
}

// Backlog is the number of jobs not yet completed: waiting (never delivered, or due for
// redelivery) plus delivered and not yet acknowledged.
func (b *Broker) Backlog(ctx context.Context) (int, error) {
	info, err := b.cons.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: backlog: %w", err)
	}
	return int(info.NumPending) + info.NumAckPending, nil
}

// Completions returns every completion record, keyed by job ID.
func (b *Broker) Completions(ctx context.Context) (map[string]Completion, error) {
	keys, err := b.kv.ListKeys(ctx)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return map[string]Completion{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("queue: completions: %w", err)
	}
	out := map[string]Completion{}
	for k := range keys.Keys() {
		e, err := b.kv.Get(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("queue: completion %s: %w", k, err)
		}
		c, err := decodeCompletion(e.Value())
		if err != nil {
			return nil, fmt.Errorf("queue: completion %s: %w", k, err)
		}
		out[k] = c
	}
	return out, nil
}

// Done is the number of completion records.
func (b *Broker) Done(ctx context.Context) (int, error) {
	st, err := b.kv.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: done: %w", err)
	}
	return int(st.Values()), nil
}

// Close disconnects, and shuts the embedded server down and removes its store.
func (b *Broker) Close() error {
	if b.nc != nil {
		b.nc.Close()
	}
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
	if b.store != "" {
		if err := os.RemoveAll(b.store); err != nil {
			return fmt.Errorf("queue: remove store: %w", err)
		}
	}
	return nil
}
