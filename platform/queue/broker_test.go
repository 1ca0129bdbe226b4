package queue

import (
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBrokerExternalAndDedup: a broker on an external URL (here another, embedded one)
// shares the server; a job published twice with the same ID is queued once; closing the
// embedded broker removes its store and frees its port.
func TestBrokerExternalAndDedup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	host, err := StartBroker(ctx, BrokerOptions{AckWait: time.Second, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	ext, err := StartBroker(ctx, BrokerOptions{URL: host.URL(), Stream: "EXT", AckWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if ext.StoreDir() != "" {
		t.Errorf("external broker has a store %q", ext.StoreDir())
	}
	added, err := ext.Enqueue(ctx, Job{ID: "a"}, Job{ID: "b"}, Job{ID: "a"})
	if err != nil || added != 2 {
		t.Fatalf("enqueue: %d added, %v; want 2", added, err)
	}
	if n, err := ext.Backlog(ctx); err != nil || n != 2 {
		t.Fatalf("backlog %d, %v; want 2", n, err)
	}
	if n, err := host.Backlog(ctx); err != nil || n != 0 {
		t.Fatalf("the other stream's backlog %d, %v; want 0", n, err)
	}
	if done, err := ext.Completions(ctx); err != nil || len(done) != 0 {
		t.Fatalf("completions %v, %v; want none", done, err)
	}
	if err := ext.Close(); err != nil {
		t.Fatal(err)
	}
	store, addr := host.StoreDir(), strings.TrimPrefix(host.URL(), "nats://")
	if err := host.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(store); !os.IsNotExist(err) {
		t.Errorf("store %s left behind", store)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections", addr)
	}
}

// TestBrokerUnreachable: a URL where no server listens is a one-line error saying so.
func TestBrokerUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = StartBroker(context.Background(), BrokerOptions{URL: "nats://" + addr, AckWait: time.Second})
	if err == nil || !strings.Contains(err.Error(), "JetStream") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v", err)
	}
}

// BenchmarkEnqueue: publishing a job to the embedded JetStream (file store, dedup by
// ID) and waiting for its ack: the bench's burst and every worker's round trips pay it.
func BenchmarkEnqueue(b *testing.B) {
	ctx := context.Background()
	br, err := StartBroker(ctx, BrokerOptions{AckWait: time.Second, TempDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	for i := 0; b.Loop(); i++ {
		if _, err := br.Enqueue(ctx, Job{ID: "bench-" + strconv.Itoa(i), WorkMS: 1000, BurnUS: 33333}); err != nil {
			b.Fatal(err)
		}
	}
}
