package watchdog

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// logTimeLayout is the date and time Go's standard logger writes, which is
// what the originals put before a function's log lines.
const logTimeLayout = "2006/01/02 15:04:05"

// logSink is one of the watchdog's own output streams (stdout or stderr)
// as the function's processes write to it. It writes each line with one
// call under a lock, so that the lines of concurrent processes never
// interleave mid-line.
type logSink struct {
	mu     sync.Mutex
	w      io.Writer
	prefix bool
	now    func() time.Time
	buf    []byte
}

func newLogSink(w io.Writer, prefix bool) *logSink {
	return &logSink{w: w, prefix: prefix, now: time.Now}
}

// line writes one line of stream (stdout or stderr); with prefix_logs,
// as "2006/01/02 15:04:05 stderr: line", otherwise as it came.
func (s *logSink) line(stream string, line []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = s.buf[:0]
	if s.prefix {
		s.buf = s.now().AppendFormat(s.buf, logTimeLayout)
		s.buf = append(s.buf, ' ')
		s.buf = append(s.buf, stream...)
		s.buf = append(s.buf, ": "...)
	}
	s.buf = append(s.buf, line...)
	s.buf = append(s.buf, '\n')
	// A log that cannot be written has nowhere to report to.
	_, _ = s.w.Write(s.buf)
}

// raw writes b as it is: the classic watchdog's write_debug output.
func (s *logSink) raw(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = s.w.Write(b)
}

// lineWriter is one process's stdout or stderr, cut into lines for its
// sink. A line longer than max is logged in max-byte pieces rather than
// held without bound; of-watchdog stops logging the process at such a
// line, after which the process blocks on a full pipe.
type lineWriter struct {
	sink    *logSink
	stream  string
	max     int // negative: no limit
	partial []byte
}

func newLineWriter(sink *logSink, stream string, max int) *lineWriter {
	return &lineWriter{sink: sink, stream: stream, max: max}
}

// Write logs every complete line of p and keeps the rest for the next
// call. It never fails, so that a process is never stopped by its log.
func (l *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.partial = append(l.partial, p...)
			break
		}
		if len(l.partial) > 0 {
			l.partial = append(l.partial, p[:i]...)
			l.emit(l.partial)
			l.partial = l.partial[:0]
		} else {
			l.emit(p[:i])
		}
		p = p[i+1:]
	}
	for l.max > 0 && len(l.partial) > l.max {
		l.sink.line(l.stream, l.partial[:l.max])
		l.partial = append(l.partial[:0], l.partial[l.max:]...)
	}
	return n, nil
}

// emit logs a complete line, in pieces when it is longer than max.
func (l *lineWriter) emit(line []byte) {
	for l.max > 0 && len(line) > l.max {
		l.sink.line(l.stream, line[:l.max])
		line = line[l.max:]
	}
	l.sink.line(l.stream, line)
}

// Close logs a last line that had no newline.
func (l *lineWriter) Close() error {
	if len(l.partial) > 0 {
		l.emit(l.partial)
		l.partial = l.partial[:0]
	}
	return nil
}
