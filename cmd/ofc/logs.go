package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ofcbuild/ofc/pipeline"
)

// runLogs is "ofc logs <build> [--function f] [--follow]": a build's log,
// read to its end so far or followed live until the build ends.
func (a *app) runLogs(ctx context.Context, args []string) error {
	fs := a.flags("logs", "<build>", "Print a build's log; with --follow, print it live until the build ends.")
	var function *string
	fs.Func("function", "only this function's lines; --function= only the build's own (clone, stack file)", func(s string) error {
		function = &s
		return nil
	})
	follow := fs.Bool("follow", false, "print lines as they come until the build ends; exit 1 unless it succeeded")
	fs.BoolVar(follow, "f", false, "short for --follow")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErrorf("logs takes one build id; got %d arguments", len(rest))
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id < 1 {
		return usageErrorf("%q is not a build id (a number, as ofc builds lists them)", rest[0])
	}
	c, p, err := a.open()
	if err != nil {
		return err
	}
	// One stream needs no label; several mixed do.
	show := func(l pipeline.LogLine) { p.logLine(l, function == nil) }
	if !*follow {
		return a.printLog(ctx, c, id, function, show)
	}
	f := &follower{c: c, wait: a.wait, warn: a.stderr}
	state, err := f.follow(ctx, id, function, show)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "ofc: build %d ended: %s\n", id, p.paint(stateStyle(state), orDash(string(state))))
	if state != pipeline.Success {
		return buildFailed{id: id, state: state}
	}
	return nil
}

// printLog prints the log as stored, a page at a time: a full page may
// have more after it.
func (a *app) printLog(ctx context.Context, c *client, id int64, function *string, show func(pipeline.LogLine)) error {
	var after int64
	for {
		page, err := c.logs(ctx, id, function, after)
		if err != nil {
			return err
		}
		before := after
		for _, l := range page.Lines {
			if l.Seq > after {
				show(l)
				after = l.Seq
			}
		}
		if len(page.Lines) < logPageSize {
			if page.LogRemoved != "" {
				fmt.Fprintf(a.stderr, "ofc: build %d: %s\n", id, page.LogRemoved)
			} else if !page.Complete {
				fmt.Fprintf(a.stderr, "ofc: build %d has not ended; follow it with: ofc logs %d --follow\n", id, id)
			}
			return nil
		}
		if after == before {
			// A full page with nothing new: the server ignores after=,
			// and asking again would never end.
			return &badAnswerError{fmt.Sprintf("read the log of build %d: the server sent the same page again", id)}
		}
	}
}

// buildFailed is a followed build that ended other than in success (exit
// code 1); it has been said already.
type buildFailed struct {
	id    int64
	state pipeline.State
}

func (e buildFailed) Error() string { return fmt.Sprintf("build %d ended: %s", e.id, e.state) }
