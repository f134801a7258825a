// Package migrations holds the Postgres schema as numbered SQL files
// embedded in the binary, and applies the ones a database lacks.
//
// Files are named NNNN_description.sql and applied in the order of their
// number, each in its own transaction. Statements that cannot run inside a
// transaction (CREATE INDEX CONCURRENTLY) are therefore not allowed.
package migrations

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"

	"github.com/jackc/pgx/v5"
)

//go:embed *.sql
var files embed.FS

// lockKey is the advisory lock every process takes before looking at or
// changing the schema, so that replicas starting together take turns.
// It spells "ofc-mig".
const lockKey int64 = 0x6f66632d6d6967

// DB begins transactions; *pgxpool.Pool and *pgx.Conn both satisfy it.
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// migration is one numbered SQL file.
type migration struct {
	Version int64
	Name    string
	SQL     string
}

// Apply brings the database up to date with the embedded migrations. It is
// safe to call from several processes at once: each migration is applied
// exactly once, and calling Apply on an up-to-date database changes nothing.
func Apply(ctx context.Context, db DB) error {
	ms, err := load(files)
	if err != nil {
		return err
	}
	return apply(ctx, db, ms)
}

func apply(ctx context.Context, db DB, ms []migration) error {
	for _, m := range ms {
		if err := applyOne(ctx, db, m); err != nil {
			return fmt.Errorf("apply migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

// applyOne takes the lock per transaction rather than per session: a
// transaction-level lock is released by commit, rollback or a dropped
// connection, so a failure can never leave a pooled connection holding it.
func applyOne(ctx context.Context, db DB, m migration) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Rollback after Commit is a no-op.
	defer func() { _ = tx.Rollback(ctx) }()

	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	// Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can
	// still fail on the catalog's unique indexes.
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    bigint      PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var done bool
	if err := tx.QueryRow(ctx,
		"SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)",
		m.Version).Scan(&done); err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	if done {
		return nil
	}
	// Without arguments pgx sends the simple protocol, which runs a file of
	// several statements.
	if _, err := tx.Exec(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx,
		"INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
		m.Version, m.Name); err != nil {
		return fmt.Errorf("record version: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

var fileName = regexp.MustCompile(`^([0-9]+)_([a-z0-9_]+)\.sql$`)

// load reads every .sql file of fsys's root, ordered by version. A file
// named otherwise, or two files of one version, is a packaging mistake and
// fails every start rather than leaving the schema half done.
func load(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	seen := map[int64]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		match := fileName.FindStringSubmatch(e.Name())
		if match == nil {
			return nil, fmt.Errorf("migration %q: name is not NNNN_description.sql", e.Name())
		}
		v, err := strconv.ParseInt(match[1], 10, 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: version must be a positive number", e.Name())
		}
		if prev, ok := seen[v]; ok {
			return nil, fmt.Errorf("migration %q: version %d already used by %q", e.Name(), v, prev)
		}
		seen[v] = e.Name()
		sql, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %q: %w", e.Name(), err)
		}
		ms = append(ms, migration{Version: v, Name: match[2], SQL: string(sql)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}
