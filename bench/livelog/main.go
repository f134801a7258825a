// Command livelog measures the live build log: how long after a RUN
// step prints a line a client following the log with server-sent events
// receives it. The line takes the builder's real path (BuildKit's
// progress, the log recorder storing chunks in Postgres and publishing
// them on NATS) and the read side's (the SSE handler), against the dev
// stack's services. In the same run it times when each line reached the
// builder process, BuildKit's own delivery and the floor under the live
// log, and a client polling the JSON endpoint every second. It needs the
// dev stack (`make up`) and writes its figures to docs/benchmarks.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

func main() {
	benchdoc.Main(run)
}

// options are the command's flags.
type options struct {
	runs, lines    int
	interval, poll time.Duration
	buildTimeout   time.Duration
	write          bool
	out            string
}

// warmUpLines is the size of the untimed first build, which pulls the
// base image into BuildKit and checks that the marked lines come through.
const warmUpLines = 5

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("livelog", flag.ContinueOnError)
	var o options
	fs.IntVar(&o.runs, "runs", 3, "measured builds")
	fs.IntVar(&o.lines, "lines", 300, "lines the RUN step of each build prints")
	fs.DurationVar(&o.interval, "interval", 30*time.Millisecond, "pause between two printed lines (busybox usleep; printing adds a few ms)")
	fs.DurationVar(&o.poll, "poll", time.Second, "interval of the JSON poller")
	fs.DurationVar(&o.buildTimeout, "build-timeout", 5*time.Minute, "bound on each build, its clients included")
	fs.BoolVar(&o.write, "write", true, "rewrite the live log section of -out")
	fs.StringVar(&o.out, "out", "docs/benchmarks.md", "file whose live log section is rewritten")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.runs < 1 || o.lines < 1 || o.interval < time.Millisecond || o.poll <= 0 {
		return o, errors.New("-runs and -lines must be at least 1, -interval at least 1ms, -poll positive")
	}
	return o, nil
}

func run(ctx context.Context, args []string) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	e, err := loadEnv()
	if err != nil {
		return err
	}
	f, err := machineFacts(ctx, e)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := setUp(ctx, e, strconv.FormatInt(time.Now().UnixNano(), 36), log)
	if err != nil {
		return err
	}
	b := &bench{s: s, http: &http.Client{}, opts: opts}

	results, runErr := measure(ctx, b)
	// Clean up even when interrupted, with a context of its own.
	cleanCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	cleanErr := b.removeImages(cleanCtx)
	s.close(cleanCtx)
	if runErr != nil {
		return errors.Join(runErr, cleanErr)
	}

	report := render(f, summarise(results), opts)
	fmt.Print(report)
	if opts.write {
		if err := section.Write(opts.out, report); err != nil {
			return errors.Join(err, cleanErr)
		}
	}
	return cleanErr
}

// measure warms up, then runs the measured builds, saying how each went.
func measure(ctx context.Context, b *bench) ([]result, error) {
	warm, err := b.once(ctx, warmUpLines)
	if err != nil {
		return nil, fmt.Errorf("warm-up build: %w", err)
	}
	if len(warm.builder) != warmUpLines {
		return nil, fmt.Errorf("warm-up build: %d of its %d marked lines reached the builder: does `adjtimex` run in BuildKit's RUN steps?",
			len(warm.builder), warmUpLines)
	}
	var results []result
	for i := range b.opts.runs {
		r, err := b.once(ctx, b.opts.lines)
		if err != nil {
			return nil, fmt.Errorf("build %d of %d: %w", i+1, b.opts.runs, err)
		}
		fmt.Fprintf(os.Stderr, "build %d: builder p50 %s, live p50 %s p95 %s, polled p50 %s (%d/%d/%d of %d lines)\n", i+1,
			msf(benchdoc.Summarise(values(r.builder)).P50), msf(benchdoc.Summarise(values(r.live)).P50), msf(benchdoc.Summarise(values(r.live)).P95),
			msf(benchdoc.Summarise(values(r.polled)).P50), len(r.builder), len(r.live), len(r.polled), r.printed)
		results = append(results, r)
	}
	return results, nil
}
