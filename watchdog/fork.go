package watchdog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os/exec"
	"sync"
	"time"
)

// forker starts the function's process for each request: what the
// classic, serializing and streaming modes share.
type forker struct {
	argv    []string
	environ func() []string
	// base is cancelled when the watchdog stops, killing the processes
	// still running then, so that none outlives it.
	base           context.Context
	execTimeout    time.Duration
	writeTimeout   time.Duration
	cgi, combine   bool
	contentType    string
	marshal, debug bool
	stdout, stderr *logSink
	logBufferSize  int
	log            *slog.Logger
	running        *tally
}

// invocation is one request's process.
type invocation struct {
	cmd     *exec.Cmd
	ctx     context.Context
	cancel  context.CancelFunc
	stderr  *lineWriter
	running *tally
}

// start prepares the process for r, its stderr going to the log; the
// caller sets stdin and stdout, then calls run. classic picks the classic
// watchdog's Http_* variables.
func (f *forker) start(r *http.Request, classic bool) *invocation {
	ctx, cancel := f.base, context.CancelFunc(func() {})
	if f.execTimeout > 0 {
		ctx, cancel = context.WithTimeout(f.base, f.execTimeout)
	}
	cmd := forkCommand(ctx, f.argv, childEnv(f.environ(), r, classic, f.cgi), f.writeTimeout)
	stderr := newLineWriter(f.stderr, "stderr", f.logBufferSize)
	cmd.Stderr = stderr
	f.running.add()
	return &invocation{cmd: cmd, ctx: ctx, cancel: cancel, stderr: stderr, running: f.running}
}

// run runs the process to its end and logs what is left of its stderr.
func (inv *invocation) run() error {
	defer inv.running.done()
	defer inv.cancel()
	err := inv.cmd.Run()
	_ = inv.stderr.Close()
	return err
}

// timedOut reports whether exec_timeout ran out while the process ran;
// ask it only of a process that failed, as one may succeed just before
// its deadline.
func (inv *invocation) timedOut() bool {
	return errors.Is(inv.ctx.Err(), context.DeadlineExceeded)
}

// failure says why a process failed, for the answer's body: the error as
// the originals answer it ("exit status 1"), or the timeout that killed
// it.
func (inv *invocation) failure(err error, timeout time.Duration) string {
	if inv.timedOut() {
		return fmt.Sprintf("killed: exec_timeout of %s exceeded (%v)", timeout, err)
	}
	return err.Error()
}

// contentTypeOf is the Content-Type of an answer to r: content_type, or
// the request's own as the classic watchdog does without it.
func (f *forker) contentTypeOf(r *http.Request) string {
	if f.contentType != "" {
		return f.contentType
	}
	return r.Header.Get("Content-Type")
}

// tally counts the processes running, so that a stopping watchdog can
// wait for those it has killed to be gone. A WaitGroup would not do: a
// request may start a process while the watchdog waits.
type tally struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0
}

func (t *tally) add() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == 0 {
		t.idle = make(chan struct{})
	}
	t.n++
}

func (t *tally) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 {
		close(t.idle)
	}
}

// wait returns when no process runs, or when ctx ends.
func (t *tally) wait(ctx context.Context) {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return
	}
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle:
	case <-ctx.Done():
	}
}
