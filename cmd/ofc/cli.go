package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

// Exit codes, as the package doc and README list them.
const (
	exitOK          = 0
	exitBuildFailed = 1
	exitUsage       = 2
	exitAPI         = 3
	exitUnreachable = 4
	exitInterrupted = 130
)

const usage = `ofc talks to the ofc build service.

Usage:
  ofc builds [owner/repo] [--limit N] [--provider P]  latest builds of a repository, or every repository
  ofc logs <build> [--function F] [--follow]         a build's log; --follow prints it live
  ofc rebuild <build> [--filter GLOB] [--reuse]      build a build's commit again, all or some functions
  ofc cancel <build>                                 stop a queued or running build
  ofc rollback <owner/repo> [--branch B] [--to ID]   deploy the last good build before the live one again
  (rebuild, cancel and rollback need a token of scope write)

Flags of every command:
  --url URL      the service (OFC_URL, default ` + defaultURL + `)
  --token TOKEN  API token (OFC_TOKEN)
  --color WHEN   auto, always or never (NO_COLOR turns auto off)

Exit codes: 0 done; 1 a followed build did not succeed; 2 bad command line;
3 the API answered an error; 4 the service could not be reached; 130 interrupted.
`

// app is one run of ofc: its configuration and where its output goes.
type app struct {
	cfg            config
	tty            bool
	stdout, stderr io.Writer
	// loc, now and wait are the local zone, the clock and the
	// reconnection policy; tests set their own.
	loc  *time.Location
	now  func() time.Time
	wait backoff
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, look envconfig.Lookup, tty bool, stdout, stderr io.Writer) int {
	return newApp(look, tty, stdout, stderr).main(ctx, args)
}

// newApp reads the environment through look; tty says whether stdout is
// a terminal.
func newApp(look envconfig.Lookup, tty bool, stdout, stderr io.Writer) *app {
	return &app{cfg: readConfig(look), tty: tty, stdout: stdout, stderr: stderr,
		loc: time.Local, now: time.Now, wait: defaultBackoff()}
}

// main runs the command line args and returns the exit code.
func (a *app) main(ctx context.Context, args []string) int {
	return a.exit(a.dispatch(ctx, args))
}

// dispatch parses the flags before the command and runs the command.
func (a *app) dispatch(ctx context.Context, args []string) error {
	fs := a.flags("ofc", "", "")
	fs.Usage = func() { fmt.Fprint(a.stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return usageOrHelp(err)
	}
	args = fs.Args()
	if len(args) == 0 {
		fmt.Fprint(a.stderr, usage)
		return usageError{msg: "no command given", flagErr: true}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "builds":
		return a.runBuilds(ctx, rest)
	case "logs":
		return a.runLogs(ctx, rest)
	case "rebuild":
		return a.runRebuild(ctx, rest)
	case "cancel":
		return a.runCancel(ctx, rest)
	case "rollback":
		return a.runRollback(ctx, rest)
	case "help":
		fmt.Fprint(a.stdout, usage)
		return nil
	default:
		return usageErrorf("unknown command %q", cmd)
	}
}

// flags is a command's flag set, with the shared flags and a usage line.
func (a *app) flags(name, argsUsage, doc string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	a.cfg.addFlags(fs)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "Usage: ofc %s [flags] %s\n\n%s\n\nFlags:\n", name, argsUsage, doc)
		fs.PrintDefaults()
	}
	return fs
}

// open checks the configuration, once every flag is read, and returns the
// API client and the printer.
func (a *app) open() (*client, *printer, error) {
	base, err := a.cfg.baseURL()
	if err != nil {
		return nil, nil, err
	}
	color, err := a.cfg.useColor(a.tty)
	if err != nil {
		return nil, nil, err
	}
	p := &printer{out: a.stdout, color: color, loc: a.loc, now: a.now}
	if a.tty {
		p.maxMessage = 60
	}
	return newClient(base, a.cfg.Token), p, nil
}

// exit reports err, if any, and maps it to an exit code.
func (a *app) exit(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var (
		failed buildFailed
		use    usageError
		down   *unreachableError
	)
	switch {
	case errors.As(err, &failed):
		return exitBuildFailed // said when the build ended
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &use):
		if !use.flagErr {
			fmt.Fprintf(a.stderr, "ofc: %v\nRun 'ofc help' for usage.\n", err)
		}
		return exitUsage
	}
	fmt.Fprintf(a.stderr, "ofc: %v\n", err)
	if errors.As(err, &down) || errors.Is(err, errLost) {
		return exitUnreachable
	}
	return exitAPI
}

// usageOrHelp keeps -h a request for help and makes other flag errors
// usage errors.
func usageOrHelp(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{msg: err.Error(), flagErr: true}
}
