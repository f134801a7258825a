// Command ofc is the command-line client of the build service: it lists a
// repository's builds and prints or follows a build's log through the
// service's JSON API and its live log stream; with a token of scope
// write it also rebuilds, cancels and rolls back builds.
//
// Exit codes: 0 done (a followed build succeeded); 1 the followed build
// ended in failure or error; 2 the command line was wrong; 3 the API
// answered an error or something unreadable; 4 the service could not be
// reached, or the live stream was lost for good; 130 interrupted.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	tty := term.IsTerminal(int(os.Stdout.Fd()))
	code := run(ctx, os.Args[1:], os.LookupEnv, tty, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
