// Command webhook measures the webhook path: a signed GitHub push,
// verified, recorded in Postgres, acknowledged by JetStream and answered
// 202, beside a bare net/http handler that answers 202, in the same run on
// the same machine. It needs the dev stack (`make up`) and writes its
// figures to docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/hook"
	"github.com/ofcbuild/ofc/internal/devstack"
	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/queue"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
	"github.com/ofcbuild/ofc/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	dur := flag.Duration("duration", 10*time.Second, "how long each measurement runs")
	conc := flag.Int("concurrency", 32, "clients of the throughput measurement")
	rate := flag.Int("rate", 1000, "requests per second of the latency measurement")
	out := flag.String("out", "docs/benchmarks.md", "file whose webhook section is rewritten; empty prints only")
	cpuProfile := flag.String("cpuprofile", "", "file to write a CPU profile of the webhook's throughput measurement to")
	flag.Parse()

	ctx := context.Background()
	dbURL, natsURL := os.Getenv("OFC_DATABASE_URL"), os.Getenv("OFC_NATS_URL")
	if dbURL == "" || natsURL == "" {
		return fmt.Errorf("OFC_DATABASE_URL and OFC_NATS_URL are unset: run `make up` and `. .dev/env`")
	}
	id := fmt.Sprintf("%d", time.Now().UnixNano())
	// The dev stack turns synchronous_commit off to speed up tests; the 202
	// promises a build that survives a crash, so measure the commit that
	// waits for the WAL flush, as production runs it.
	db, err := devstack.CreateDatabase(ctx, dbURL, "ofc_bench_"+id, devstack.Options{SynchronousCommit: true})
	if err != nil {
		return err
	}
	defer func() { _ = db.Drop(ctx) }()
	pool, err := db.Open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	stream := "BENCH_" + id
	q, err := queue.Connect(ctx, queue.Config{URL: natsURL, Stream: stream, Subject: "bench." + id})
	if err != nil {
		return err
	}
	defer q.Close()
	defer func() { _ = devstack.DeleteStream(ctx, natsURL, stream) }()

	secret := []byte("bench-secret")
	body, err := fixture.GitHubPush(fixture.Push{Owner: "bench", Repo: "functions", CloneURL: "https://github.com/bench/functions.git",
		DefaultBranch: "main", Branch: "main", After: strings.Repeat("a", 40)})
	if err != nil {
		return err
	}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ours := hook.GitHub(hook.Config{Recorder: store.New(pool), Publisher: q, Logger: quiet}, secret)
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })

	target := func(url string) request {
		return request{url: url, body: body, signature: scmgithub.Sign(secret, body)}
	}
	results := map[string][2]result{}
	for _, c := range []struct {
		name    string
		h       http.Handler
		profile string
	}{{"bare net/http handler answering 202", bare, ""}, {"signed push -> Postgres -> JetStream ack -> 202", ours, *cpuProfile}} {
		url, stop, err := serve(c.h)
		if err != nil {
			return err
		}
		t := target(url)
		thr, err := profiled(c.profile, func() result { return closedLoop(t, *conc, *dur) })
		if err != nil {
			return err
		}
		lat := openLoop(t, *rate, *dur)
		stop()
		results[c.name] = [2]result{thr, lat}
		fmt.Printf("%-50s throughput %8.0f req/s (p99 %6.2f ms, %d errors) | at %d req/s: p50 %6.2f ms p99 %6.2f ms (%d errors)\n",
			c.name, thr.rps, ms(thr.p99), thr.errors, *rate, ms(lat.p50), ms(lat.p99), lat.errors)
	}
	if *out == "" {
		return nil
	}
	return writeReport(*out, results, *conc, *rate, *dur)
}

// profiled runs f under the CPU profiler, writing the profile to path;
// with no path, it only runs f.
func profiled(path string, f func() result) (result, error) {
	if path == "" {
		return f(), nil
	}
	file, err := os.Create(path)
	if err != nil {
		return result{}, err
	}
	defer file.Close()
	if err := pprof.StartCPUProfile(file); err != nil {
		return result{}, err
	}
	r := f()
	pprof.StopCPUProfile()
	return r, file.Close()
}

func serve(h http.Handler) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	return "http://" + l.Addr().String() + "/webhooks/github", func() { _ = srv.Close() }, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
