package pipeline

import (
	"bytes"
	"context"
	"sync"
)

// maxLine bounds one log line, so that output without newlines cannot
// grow a buffer without end.
const maxLine = 64 << 10

// LineWriter is an io.Writer that cuts what is written into lines and
// hands each to a LogSink. Safe for concurrent use; Close flushes a last
// line without a newline.
type LineWriter struct {
	ctx      context.Context
	sink     LogSink
	buildID  int64
	function string
	step     Step

	mu  sync.Mutex
	buf []byte
}

// NewLineWriter returns a writer for one stream of a build's log.
func NewLineWriter(ctx context.Context, sink LogSink, buildID int64, function string, step Step) *LineWriter {
	return &LineWriter{ctx: ctx, sink: sink, buildID: buildID, function: function, step: step}
}

// Write never fails.
func (w *LineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.emit(w.buf[:i])
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) >= maxLine {
		w.emit(w.buf)
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

// Close flushes what is left.
func (w *LineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit(w.buf)
		w.buf = nil
	}
	return nil
}

func (w *LineWriter) emit(line []byte) {
	w.sink.Line(w.ctx, w.buildID, w.function, w.step, string(bytes.TrimRight(line, "\r")))
}
