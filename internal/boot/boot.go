// Package boot holds what cmd/webhook and cmd/builder both do at start:
// read the settings of the services they share, wait for Postgres and
// NATS, and apply the migrations.
package boot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/internal/retry"
	"github.com/ofcbuild/ofc/migrations"
	"github.com/ofcbuild/ofc/queue"
	"github.com/ofcbuild/ofc/store"
)

// Shared are the settings every service of the build service reads alike;
// README lists them with their defaults.
type Shared struct {
	DatabaseURL  string
	NATSURL      string
	QueueStream  string
	QueueSubject string
	StartupWait  time.Duration
	LogFormat    string
}

// ReadShared reads the shared settings; errors are collected in r.
func ReadShared(r *envconfig.Reader) Shared {
	return Shared{
		DatabaseURL:  r.String("OFC_DATABASE_URL", "postgres://postgres@127.0.0.1:55432/ofc?sslmode=disable"),
		NATSURL:      r.String("OFC_NATS_URL", "nats://127.0.0.1:54222"),
		QueueStream:  r.String("OFC_QUEUE_STREAM", "OFC_BUILDS"),
		QueueSubject: r.String("OFC_QUEUE_SUBJECT", "ofc.builds"),
		StartupWait:  r.Duration("OFC_STARTUP_WAIT", 60*time.Second),
		LogFormat:    r.String("OFC_LOG_FORMAT", "json"),
	}
}

// Postgres waits up to StartupWait for the database, then brings its
// schema up to date. The caller closes the pool.
func (s Shared) Postgres(ctx context.Context, log *slog.Logger) (*pgxpool.Pool, error) {
	pool, err := retry.Value(ctx, log, "postgres", s.StartupWait, func(ctx context.Context) (*pgxpool.Pool, error) {
		return store.Open(ctx, s.DatabaseURL)
	})
	if err != nil {
		return nil, err
	}
	if err := migrations.Apply(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	return pool, nil
}

// Queue waits up to StartupWait for NATS and the build stream. cfg's URL,
// Stream and Subject are set from s. The caller closes the queue.
func (s Shared) Queue(ctx context.Context, log *slog.Logger, cfg queue.Config) (*queue.Queue, error) {
	cfg.URL, cfg.Stream, cfg.Subject = s.NATSURL, s.QueueStream, s.QueueSubject
	return retry.Value(ctx, log, "nats", s.StartupWait, func(ctx context.Context) (*queue.Queue, error) {
		return queue.Connect(ctx, cfg)
	})
}
