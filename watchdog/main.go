package watchdog

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// Main is a watchdog command's whole life, for cmd/fwatchdog and
// cmd/classic-watchdog, which differ only in name and in the defaults of
// the watchdog they replace. It returns the exit code:
//
//	NAME                   serve on port 8080 until SIGTERM, then drain
//	NAME -run-healthcheck  exit 0 when the lock file exists, for exec probes
func Main(name string, args []string, look Lookup, defaults Config) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	healthcheck := fs.Bool("run-healthcheck", false, "exit 0 when the lock file exists, 1 otherwise")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *healthcheck {
		if LockFilePresent(LockPath(look)) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "unable to find lock file.")
		return 1
	}
	// Text, not JSON: these lines land in the function's own log, beside
	// what the function writes, where people read them.
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, err := Parse(look, defaults)
	if err != nil {
		log.Error("configuration", "err", err)
		return 1
	}
	w, err := New(cfg, Options{Logger: log})
	if err != nil {
		log.Error("configuration", "err", err)
		return 1
	}
	// SIGINT drains too: the function's processes run in groups of their
	// own, which a terminal's Ctrl-C does not reach.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := w.Run(ctx); err != nil {
		log.Error("watchdog stopped", "err", err)
		return 1
	}
	return 0
}
