package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// backoff bounds the reconnections of a followed log.
type backoff struct {
	// Min is the first wait, doubled after each failure up to Max.
	Min, Max time.Duration
	// Attempts is how many connections in a row may fail before giving
	// up. A connection that brought new lines, or stayed up for Stable,
	// starts the count and the waits again: a proxy that closes quiet
	// streams every minute must not end a long, quiet build's follow.
	Attempts int
	Stable   time.Duration
}

func defaultBackoff() backoff {
	return backoff{Min: 500 * time.Millisecond, Max: 15 * time.Second, Attempts: 8, Stable: 30 * time.Second}
}

// errLost is a live log that could not be had back (exit code 4).
var errLost = errors.New("lost the live log")

// errDropped is a stream that ended before the build did.
var errDropped = errors.New("the stream ended before the build did")

// errEnded stops the reading of a stream at its "end" event.
var errEnded = errors.New("build ended")

// badAnswerError is an answer the client cannot use: asking again would
// not help (exit code 3).
type badAnswerError struct{ msg string }

func (e *badAnswerError) Error() string { return e.msg }

// follower follows a build's log over server-sent events.
type follower struct {
	c    *client
	wait backoff
	// warn receives a line for each reconnection.
	warn io.Writer
}

// connection is what one connection to the stream gave.
type connection struct {
	lines int
	// ended is set by the "end" event, with the build's final state.
	ended bool
	state pipeline.State
	// retry is the reconnection delay the server asked for, if any.
	retry time.Duration
}

// follow passes each line of build id's log, of the streams function
// selects (see logQuery), to onLine, in order and once, as the lines come,
// reconnecting after the last seq it passed when the stream drops, until
// the build ends; it returns the build's final state. An answer other
// than 2xx is returned at once, unless it says the service is restarting
// or busy.
func (f *follower) follow(ctx context.Context, id int64, function *string, onLine func(pipeline.LogLine)) (pipeline.State, error) {
	var last int64
	delay, failures := f.wait.Min, 0
	for {
		start := time.Now()
		conn, err := f.connect(ctx, id, function, &last, onLine)
		switch {
		case conn.ended:
			return conn.state, nil
		case ctx.Err() != nil:
			return "", ctx.Err()
		case !retryable(err):
			return "", err
		}
		if conn.lines > 0 || time.Since(start) >= f.wait.Stable {
			failures, delay = 0, f.wait.Min
		}
		failures++
		if failures >= f.wait.Attempts {
			return "", fmt.Errorf("follow build %d: %w after %d attempts: %w", id, errLost, failures, err)
		}
		wait := min(delay, f.wait.Max)
		if conn.retry > 0 {
			wait = min(conn.retry, f.wait.Max)
		}
		fmt.Fprintf(f.warn, "ofc: %v; reconnecting in %v\n", err, wait)
		if err := sleep(ctx, wait); err != nil {
			return "", err
		}
		delay *= 2
	}
}

// connect opens the stream once, after seq *last, and reads it until it
// ends or drops, advancing *last past each line passed on.
func (f *follower) connect(ctx context.Context, id int64, function *string, last *int64, onLine func(pipeline.LogLine)) (connection, error) {
	var conn connection
	// after= and Last-Event-ID say the same: the query for the first
	// connection, the header as the protocol resumes.
	q := logQuery(function, *last)
	q.Set("follow", "1")
	req, err := f.c.request(ctx, logsPath(id), q)
	if err != nil {
		return conn, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	if *last > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(*last, 10))
	}
	resp, err := f.c.do(req)
	if err != nil {
		return conn, err
	}
	defer resp.Body.Close()
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		return conn, &badAnswerError{fmt.Sprintf("GET %s: answered %q, not an event stream: the server does not stream logs", req.URL.Path, mt)}
	}
	err = readEvents(resp.Body, func(ev event) error {
		conn.retry = ev.Retry
		switch ev.Name {
		case "line":
			l, err := decodeLine(ev)
			if err != nil {
				return err
			}
			if l.Seq <= *last {
				return nil // printed before the stream dropped
			}
			*last = l.Seq
			conn.lines++
			onLine(l)
		case "end":
			var end struct {
				State pipeline.State `json:"state"`
			}
			_ = json.Unmarshal([]byte(ev.Data), &end) // an unreadable state is not success
			conn.ended, conn.state = true, end.State
			return errEnded
		}
		return nil // events of a newer server
	})
	switch {
	case errors.Is(err, errEnded):
		return conn, nil
	case err == nil:
		return conn, errDropped
	}
	return conn, fmt.Errorf("read the log stream of build %d: %w", id, err)
}

// decodeLine reads a "line" event, taking the seq from its id when the
// data lacks it.
func decodeLine(ev event) (pipeline.LogLine, error) {
	var l pipeline.LogLine
	if err := json.Unmarshal([]byte(ev.Data), &l); err != nil {
		return l, &badAnswerError{fmt.Sprintf("the log stream sent a line that is not JSON: %v", err)}
	}
	if l.Seq == 0 {
		l.Seq, _ = strconv.ParseInt(ev.ID, 10, 64)
	}
	return l, nil
}

// retryable reports whether connecting again may help.
func retryable(err error) bool {
	var api *APIError
	if errors.As(err, &api) {
		return api.retryable()
	}
	var bad *badAnswerError
	return !errors.As(err, &bad)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
