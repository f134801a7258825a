// Package store keeps repositories, builds and function builds in Postgres.
//
// Every change that several processes may race on (recording a delivery,
// claiming a build, finishing it) is a single conditional statement, so
// replicas need no coordination beyond the database. Times are returned in
// UTC.
package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ofcbuild/ofc/pipeline"
)

// Store implements the pipeline's store interfaces on a pgx pool. It is
// safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	events *batcher[pendingEvent, recorded]
}

var (
	_ pipeline.EventRecorder = (*Store)(nil)
	_ pipeline.BuildStore    = (*Store)(nil)
	_ pipeline.BuildReader   = (*Store)(nil)
)

// New returns a Store on pool. The caller owns the pool and closes it.
func New(pool *pgxpool.Pool) *Store {
	s := &Store{pool: pool}
	s.events = newEventRecorder(s)
	return s
}

// defaultMaxConns is the pool size unless the URL sets pool_max_conns.
const defaultMaxConns = 32

// Open connects a pool to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included.
		return nil, fmt.Errorf("open database: invalid database URL")
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default of max(4, cores) connections makes the webhook queue
		// behind a few commits; Postgres handles many more at once.
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	return pool, nil
}

// Ping reports whether the database answers, for readiness checks.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}
