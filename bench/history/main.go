// Command history measures the history goal: with 1,000,000 builds in
// Postgres, how long listing a repository's latest 50 builds takes, through
// the JSON API and through the store, against the same listing without
// the index that serves it, in the same run. It needs the dev stack's
// Postgres (`make up`) and writes its figures to docs/benchmarks.md.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
	"github.com/ofcbuild/ofc/internal/devstack"
	"github.com/ofcbuild/ofc/store"
)

// options are the command's flags.
type options struct {
	requests, warmup, baselineRequests int
	out                                string
}

func main() {
	var o options
	flag.IntVar(&o.requests, "requests", 5000, "timed listings of each repository, through each path, with the index")
	flag.IntVar(&o.warmup, "warmup", 500, "untimed listings before each timed series (at most 20 without the index)")
	flag.IntVar(&o.baselineRequests, "baseline-requests", 300, "timed listings of each repository without the index (each may read the whole table)")
	flag.StringVar(&o.out, "out", "docs/benchmarks.md", "file whose history section is rewritten; empty prints only")
	flag.Parse()
	// An interrupt ends the run through its context, so that the scratch
	// database is still dropped.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	load := benchdoc.LoadAverage()
	server := os.Getenv("OFC_DATABASE_URL")
	if server == "" {
		return fmt.Errorf("OFC_DATABASE_URL is unset: run `make up` and `. .dev/env`")
	}
	db, err := scratchDatabase(ctx, server)
	if err != nil {
		return err
	}
	defer dropDatabase(db)
	pool, err := db.Open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	fmt.Println("filling 1,000 repositories and 1,000,000 builds...")
	if err := fill(ctx, db.URL); err != nil {
		return err
	}
	fmt.Printf("filled in %s\n", time.Since(start).Round(time.Second))
	f, err := machineFacts(ctx, pool)
	if err != nil {
		return err
	}
	f.load = load
	if f.tail, err = tailSpread(ctx, pool); err != nil {
		return err
	}
	targets, err := measuredTargets(ctx, pool)
	if err != nil {
		return err
	}

	st := store.New(pool)
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/builds", api.ListBuilds(st, access.New(access.Config{}), quiet))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := srv.Client()

	var results []result
	measure := func(layer string, list lister, check lister, indexed bool, warm, n int) error {
		for _, t := range targets {
			if err := check(ctx, t); err != nil {
				return err
			}
			ds, err := timeSequential(ctx, list, t, warm, n)
			if err != nil {
				return err
			}
			r := result{target: t, layer: layer, indexed: indexed, stats: benchdoc.Summarise(ds)}
			fmt.Println(r)
			results = append(results, r)
		}
		return nil
	}
	viaHTTP := func(check bool) lister { return viaAPI(client, srv.URL, check) }
	if err := measure(layerAPI, viaHTTP(false), viaHTTP(true), true, o.warmup, o.requests); err != nil {
		return err
	}
	if err := measure(layerStore, viaStore(st), viaStore(st), true, o.warmup, o.requests); err != nil {
		return err
	}
	if err := dropListIndex(ctx, pool); err != nil {
		return err
	}
	if err := measure(layerAPI, viaHTTP(false), viaHTTP(true), false, min(o.warmup, 20), o.baselineRequests); err != nil {
		return err
	}
	if o.out == "" {
		return nil
	}
	return section.Write(o.out, render(f, results, o, time.Now()))
}

// dropListIndex removes the index the listing walks, so that the same
// query runs as it would without it. The statistics are refreshed so
// that the planner knows.
func dropListIndex(ctx context.Context, pool *pgxpool.Pool) error {
	if _, err := pool.Exec(ctx, `DROP INDEX builds_repo_id_id_idx`); err != nil {
		return fmt.Errorf("drop builds_repo_id_id_idx: %w", err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE builds`); err != nil {
		return fmt.Errorf("analyze builds: %w", err)
	}
	return nil
}

// scratchDatabase creates an empty database named
// ofc_bench_history_<random> on the server at serverURL. Its commits keep
// the dev stack's setting: the run times reads, not commits, and the fill
// is the quicker for it.
func scratchDatabase(ctx context.Context, serverURL string) (devstack.Database, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return devstack.Database{}, fmt.Errorf("scratch database name: %w", err)
	}
	return devstack.CreateDatabase(ctx, serverURL, "ofc_bench_history_"+hex.EncodeToString(b[:]), devstack.Options{})
}

// dropDatabase drops db, saying so when it cannot: a database left behind
// holds a million builds.
func dropDatabase(db devstack.Database) {
	// The run's context may be done; the drop must still happen.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.Drop(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
	}
}
