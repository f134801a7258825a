// Package devstack gives a benchmark run or an end-to-end test what it
// needs of its own on the dev stack's services (`make up`): a scratch
// Postgres database and the removal of a JetStream stream. Runs then
// neither see nor disturb the data of the others sharing those services,
// and leave nothing behind.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ofcbuild/ofc/migrations"
	"github.com/ofcbuild/ofc/store"
)

// Options are how a scratch database differs from the server's defaults.
type Options struct {
	// SynchronousCommit makes commits wait for the WAL flush, as they do
	// in production: the dev stack turns that off to speed up tests, and
	// a run that times commits must time the real ones.
	SynchronousCommit bool
}

// Database is a scratch database on the dev stack's Postgres.
type Database struct {
	// URL is the database's address, the server's with its name.
	URL          string
	server, name string
}

// CreateDatabase creates the empty database name on the server at
// serverURL, the dev stack's OFC_DATABASE_URL.
func CreateDatabase(ctx context.Context, serverURL, name string, o Options) (Database, error) {
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return Database{}, errors.New("OFC_DATABASE_URL must be a postgres:// URL")
	}
	u.Path = "/" + name
	db := Database{URL: u.String(), server: serverURL, name: name}
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return Database{}, fmt.Errorf("connect to postgres: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+db.ident()); err != nil {
		return Database{}, fmt.Errorf("create database %s: %w", name, err)
	}
	if o.SynchronousCommit {
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+db.ident()+" SET synchronous_commit = on"); err != nil {
			return Database{}, errors.Join(fmt.Errorf("database %s: set synchronous_commit: %w", name, err), db.Drop(ctx))
		}
	}
	return db, nil
}

// Open connects to the database as the services do (store.Open) and
// applies the migrations, as they do at start.
func (d Database) Open(ctx context.Context) (*pgxpool.Pool, error) {
	pool, err := store.Open(ctx, d.URL)
	if err != nil {
		return nil, err
	}
	if err := migrations.Apply(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: %w", d.name, err)
	}
	return pool, nil
}

// Drop removes the database with any connection still open to it, on a
// connection of its own: the run's pools may be closed by then, or not.
func (d Database) Drop(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, d.server)
	if err != nil {
		return fmt.Errorf("drop database %s: %w", d.name, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+d.ident()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", d.name, err)
	}
	return nil
}

// ident is the name quoted for SQL, as CREATE and DROP take no
// parameters.
func (d Database) ident() string {
	return pgx.Identifier{d.name}.Sanitize()
}
