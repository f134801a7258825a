package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/buildkit"
	"github.com/ofcbuild/ofc/internal/devstack"
	"github.com/ofcbuild/ofc/logs"
	"github.com/ofcbuild/ofc/queue"
	"github.com/ofcbuild/ofc/registry"
	"github.com/ofcbuild/ofc/store"
)

// env holds the dev stack's addresses.
type env struct {
	database, nats, buildkit, registry string
}

func loadEnv() (env, error) {
	e := env{
		database: os.Getenv("OFC_DATABASE_URL"),
		nats:     os.Getenv("OFC_NATS_URL"),
		buildkit: os.Getenv("OFC_BUILDKIT_ADDR"),
		registry: os.Getenv("OFC_REGISTRY"),
	}
	if e.database == "" || e.nats == "" || e.buildkit == "" || e.registry == "" {
		return e, errors.New("OFC_DATABASE_URL, OFC_NATS_URL, OFC_BUILDKIT_ADDR and OFC_REGISTRY must be set: run `make up` and `. .dev/env`")
	}
	return e, nil
}

// services is the live log's path, wired as cmd/builder and cmd/webhook
// wire it, each side on connections of its own as the two processes
// would be: the builder's BuildKit client, store and recorder, and the
// read side's store, live-log subscription and handler, served over HTTP.
type services struct {
	builder  *store.Store
	recorder *logs.Recorder
	// stored and published note when lines leave the recorder's two
	// steps: the chunk's commit, and the hand-over to NATS.
	stored, published *checkpoint
	bk                *buildkit.Builder
	reg               *registry.Registry
	api               *httptest.Server
	// undo closes and removes what was set up, last first.
	undo []func(context.Context)
}

// setUp creates a database and a stream of the bench's own, named after
// id, and connects every piece to them.
func setUp(ctx context.Context, e env, id string, log *slog.Logger) (_ *services, err error) {
	s := &services{}
	defer func() {
		if err != nil {
			s.close(context.WithoutCancel(ctx))
		}
	}()
	db, err := s.database(ctx, e.database, "ofc_bench_livelog_"+id)
	if err != nil {
		return nil, err
	}
	builderPool, err := db.Open(ctx)
	if err != nil {
		return nil, err
	}
	s.undo = append(s.undo, func(context.Context) { builderPool.Close() })
	readPool, err := s.pool(ctx, db.URL)
	if err != nil {
		return nil, err
	}
	qcfg := queue.Config{URL: e.nats, Stream: "BENCH_LIVELOG_" + id, Subject: "bench.livelog." + id}
	builderQ, err := s.queue(ctx, qcfg, "ofc-bench-builder")
	if err != nil {
		return nil, err
	}
	readQ, err := s.queue(ctx, qcfg, "ofc-bench-webhook")
	if err != nil {
		return nil, err
	}
	s.undo = append(s.undo, func(ctx context.Context) { _ = devstack.DeleteStream(ctx, e.nats, qcfg.Stream) })

	if s.bk, err = buildkit.New(ctx, buildkit.Config{Addr: e.buildkit, Insecure: true}); err != nil {
		return nil, err
	}
	s.undo = append(s.undo, func(context.Context) { _ = s.bk.Close() })
	if err := s.bk.Ping(ctx); err != nil {
		return nil, err
	}
	if s.reg, err = registry.New(registry.Config{Host: e.registry, Insecure: true}); err != nil {
		return nil, err
	}

	s.builder = store.New(builderPool)
	// Masking as the builder does, with its forge tokens and the gateway's
	// password: every line is searched for them.
	red := &logs.Redactor{}
	red.Add("ghp_bench0000000000000000000000000000", "glpat-bench00000000000", "bench-gateway-password")
	s.stored, s.published = newCheckpoint(), newCheckpoint()
	s.recorder = logs.New(logs.Config{Store: timedStore{s.builder, s.stored}, Publisher: timedPublisher{builderQ, s.published},
		Redactor: red, Logger: log})
	read := store.New(readPool)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/builds/{id}/logs", api.BuildLogs(api.LogsConfig{
		Builds: read, Logs: read, Live: readQ, Access: access.New(access.Config{}), Logger: log}))
	s.api = httptest.NewServer(mux)
	s.undo = append(s.undo, func(context.Context) { s.api.Close() })
	return s, nil
}

// close undoes the set-up, last step first.
func (s *services) close(ctx context.Context) {
	for i := len(s.undo) - 1; i >= 0; i-- {
		s.undo[i](ctx)
	}
}

// database creates database name on the server at serverURL. Its commits
// wait for the WAL flush, as production's do: a stored chunk is on disk
// before it is published.
func (s *services) database(ctx context.Context, serverURL, name string) (devstack.Database, error) {
	db, err := devstack.CreateDatabase(ctx, serverURL, name, devstack.Options{SynchronousCommit: true})
	if err != nil {
		return devstack.Database{}, err
	}
	s.undo = append(s.undo, func(ctx context.Context) { _ = db.Drop(ctx) })
	return db, nil
}

func (s *services) pool(ctx context.Context, dbURL string) (*pgxpool.Pool, error) {
	p, err := store.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	s.undo = append(s.undo, func(context.Context) { p.Close() })
	return p, nil
}

func (s *services) queue(ctx context.Context, cfg queue.Config, name string) (*queue.Queue, error) {
	cfg.Name = name
	q, err := queue.Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.undo = append(s.undo, func(context.Context) { q.Close() })
	return q, nil
}
