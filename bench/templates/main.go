// Command templates measures the build of a function of each shipped
// template, the way the builder builds it (plan.Planner preparing the
// context, buildkit.Builder solving and pushing): its first build with
// BuildKit's layer cache ignored, a rebuild after a one-line change of
// the handler, and, as the baseline in the same run, a rebuild with
// nothing changed. It also weighs the pushed image against the template's
// base image. It needs the dev stack (`make up`) and the watchdogs
// (`make build`), and writes its figures to docs/benchmarks.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
	"github.com/ofcbuild/ofc/template"
)

func main() {
	benchdoc.Main(run)
}

// options are the command's flags.
type options struct {
	runs         int
	langs        []string
	buildTimeout time.Duration
	watchdogs    string
	write        bool
	out          string
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("templates", flag.ContinueOnError)
	var o options
	var langs string
	fs.IntVar(&o.runs, "runs", 3, "times each template's three builds are measured")
	fs.StringVar(&langs, "templates", strings.Join(langNames(), ","), "comma-separated templates to measure")
	fs.DurationVar(&o.buildTimeout, "build-timeout", 15*time.Minute, "bound on each build")
	fs.StringVar(&o.watchdogs, "watchdogs", envOr("OFC_WATCHDOG_DIR", ".dev/bin/watchdog"), "folder of the watchdogs `make build` makes")
	fs.BoolVar(&o.write, "write", true, "rewrite the templates section of -out")
	fs.StringVar(&o.out, "out", "docs/benchmarks.md", "file whose templates section is rewritten")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.runs < 1 {
		return o, errors.New("-runs must be at least 1")
	}
	for l := range strings.SplitSeq(langs, ",") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if !slices.Contains(langNames(), l) {
			return o, fmt.Errorf("-templates: no handler for %q; there are %s", l, strings.Join(langNames(), ", "))
		}
		o.langs = append(o.langs, l)
	}
	if len(o.langs) == 0 {
		return o, errors.New("-templates names none")
	}
	return o, nil
}

func run(ctx context.Context, args []string) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	if err := everyShippedTemplateHasAHandler(); err != nil {
		return err
	}
	e, err := loadEnv(opts)
	if err != nil {
		return err
	}
	f, err := machineFacts(ctx, e.buildkit)
	if err != nil {
		return err
	}
	if st, err := os.Stat(filepath.Join(e.watchdogs[template.OfWatchdog], "fwatchdog")); err == nil {
		f.watchdogBytes = st.Size()
	}
	b, err := newBench(ctx, e, opts)
	if err != nil {
		return err
	}
	results := b.measure(ctx)
	f.loadEnd = benchdoc.LoadAverage()
	// Clean up even when interrupted, with a context of its own.
	cleanCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	cleanErr := b.close(cleanCtx)
	if ctx.Err() != nil {
		return errors.Join(ctx.Err(), cleanErr)
	}

	report := render(f, summarise(results), opts, time.Now())
	fmt.Print(report)
	if opts.write {
		if err := section.Write(opts.out, report); err != nil {
			return errors.Join(err, cleanErr)
		}
	}
	// A template that failed is in the report, with its error; the
	// command still fails, so that nobody takes the run for a clean one.
	var failed []error
	for _, r := range results {
		if r.err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", r.lang, r.err))
		}
	}
	return errors.Join(append(failed, cleanErr)...)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
