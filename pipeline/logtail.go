package pipeline

import (
	"context"
	"strings"
	"sync"
)

// maxTail bounds the log kept for a function's final status: a check
// run's text holds 65,535 characters, and the end is what matters.
const maxTail = 60 << 10

// logTail is a LogSink that passes lines on and keeps the last maxTail
// bytes of them.
type logTail struct {
	next LogSink

	mu    sync.Mutex
	lines []string
	size  int
}

func (t *logTail) Line(ctx context.Context, buildID int64, function string, step Step, text string) {
	t.next.Line(ctx, buildID, function, step, text)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, text)
	t.size += len(text) + 1
	for t.size > maxTail && len(t.lines) > 1 {
		t.size -= len(t.lines[0]) + 1
		t.lines = t.lines[1:]
	}
}

// Flush passes on.
func (t *logTail) Flush(ctx context.Context, buildID int64, ended bool) {
	t.next.Flush(ctx, buildID, ended)
}

// String is the lines kept, one per line.
func (t *logTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
