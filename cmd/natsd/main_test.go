package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// startServer runs natsd's server on a free port until the returned stop
// function is called, and returns its client URL.
func startServer(t *testing.T, storeDir string) (url string, stop func()) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := newServer(Config{Host: "127.0.0.1", Port: 0, StoreDir: storeDir}, logger)
	if err != nil {
		t.Fatalf("newServer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, srv, logger) }()
	if !srv.ReadyForConnections(10 * time.Second) {
		cancel()
		t.Fatalf("server not ready: %v", <-done)
	}
	return srv.ClientURL(), func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s")
		}
	}
}

func TestStreamSurvivesRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	storeDir := t.TempDir()

	url, stop := startServer(t, storeDir)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("jetstream: %v", err)
	}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "BUILDS", Subjects: []string{"builds.>"}, Storage: jetstream.FileStorage}); err != nil {
		t.Fatalf("create stream: %v", err)
	}
	if _, err := js.Publish(ctx, "builds.request", []byte("abc123")); err != nil {
		t.Fatalf("publish: %v", err)
	}
	nc.Close()
	stop()

	url, stop = startServer(t, storeDir)
	defer stop()
	nc, err = nats.Connect(url)
	if err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	defer nc.Close()
	js, err = jetstream.New(nc)
	if err != nil {
		t.Fatalf("jetstream: %v", err)
	}
	stream, err := js.Stream(ctx, "BUILDS")
	if err != nil {
		t.Fatalf("stream after restart: %v", err)
	}
	msg, err := stream.GetMsg(ctx, 1)
	if err != nil {
		t.Fatalf("get message after restart: %v", err)
	}
	if string(msg.Data) != "abc123" {
		t.Errorf("message after restart = %q, want %q", msg.Data, "abc123")
	}
}
