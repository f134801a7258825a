// Command natsd runs a single NATS server with JetStream enabled, embedded
// from nats-server/v2, for development machines and single-host installs.
//
// It listens on OFC_NATSD_ADDR (or -addr, default 127.0.0.1:4222) and keeps
// streams in OFC_NATSD_STORE_DIR (or -store-dir). SIGTERM or SIGINT stops it
// gracefully: clients are disconnected and JetStream state is flushed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// readyTimeout bounds how long the server may take to accept clients,
// which includes recovering existing JetStream streams from disk.
const readyTimeout = 30 * time.Second

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := parseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		logger.Error("natsd: bad configuration", "err", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	srv, err := newServer(cfg, logger)
	if err != nil {
		logger.Error("natsd: start", "err", err)
		os.Exit(1)
	}
	if err := serve(ctx, srv, logger); err != nil {
		logger.Error("natsd", "err", err)
		os.Exit(1)
	}
}

// newServer builds a JetStream-enabled server that logs through logger.
func newServer(cfg Config, logger *slog.Logger) (*server.Server, error) {
	port := cfg.Port
	if port == 0 {
		// The server reads 0 as "the default port"; -1 is its "any free port".
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		Host:      cfg.Host,
		Port:      port,
		JetStream: true,
		StoreDir:  cfg.StoreDir,
		// Signals are handled here, so that shutdown is the same whether the
		// server runs in this binary or in a test.
		NoSigs: true,
		Debug:  cfg.Debug,
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("configure nats server: %w", err)
	}
	srv.SetLoggerV2(slogLogger{log: logger.With("component", "nats-server")}, cfg.Debug, false, false)
	return srv, nil
}

// serve starts srv and blocks until ctx is done, then shuts it down and
// waits until JetStream has been flushed to disk.
func serve(ctx context.Context, srv *server.Server, logger *slog.Logger) error {
	go srv.Start()
	if !srv.ReadyForConnections(readyTimeout) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return fmt.Errorf("nats server not ready for connections within %s", readyTimeout)
	}
	logger.Info("natsd ready", "url", srv.ClientURL(), "jetstream", srv.JetStreamEnabled())

	<-ctx.Done()
	logger.Info("natsd stopping")
	srv.Shutdown()
	srv.WaitForShutdown()
	logger.Info("natsd stopped")
	return nil
}
