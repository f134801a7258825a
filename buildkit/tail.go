package buildkit

import (
	"bytes"
	"context"
	"strings"

	"github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"
)

const (
	// tailLines is how many of a failed step's last output lines the
	// build error carries: enough for a compiler's errors, short enough
	// for a status description and a stored error.
	tailLines = 20
	// maxTailLine bounds one kept line, so that output without newlines
	// cannot grow without end.
	maxTailLine = 512
)

// steps follows the vertices of one solve: their names, errors and the
// tail of their output. Not safe for concurrent use: the goroutine that
// reads the status stream owns it until the solve has ended.
type steps struct {
	byDigest map[digest.Digest]*step
	order    []digest.Digest
	export   exportClock
}

// step is one vertex of the solve, a Dockerfile instruction for the most
// part ("[build 3/4] RUN go build .").
type step struct {
	name string
	err  string
	tail tail
}

func newSteps() *steps {
	return &steps{byDigest: make(map[digest.Digest]*step)}
}

// add takes in one status update.
func (s *steps) add(ss *client.SolveStatus) {
	for _, v := range ss.Vertexes {
		s.export.add(v)
		st := s.get(v.Digest)
		if v.Name != "" {
			st.name = v.Name
		}
		if v.Error != "" {
			st.err = v.Error
		}
	}
	for _, l := range ss.Logs {
		s.get(l.Vertex).tail.write(l.Stream, l.Data)
	}
}

func (s *steps) get(d digest.Digest) *step {
	st, ok := s.byDigest[d]
	if !ok {
		st = &step{}
		s.byDigest[d] = st
		s.order = append(s.order, d)
	}
	return st
}

// failed returns the first step that failed by itself; steps cancelled
// because another one failed do not count.
func (s *steps) failed() (*step, bool) {
	var first *step
	for _, d := range s.order {
		st := s.byDigest[d]
		if st.err == "" || strings.HasSuffix(st.err, context.Canceled.Error()) ||
			// A cache that is not there yet fails its import, and the
			// build goes on without it: not the build's failure.
			strings.HasPrefix(st.name, "importing cache manifest") {
			continue
		}
		// A command that failed says more than the steps it cut short.
		if strings.HasPrefix(st.err, "process ") {
			return st, true
		}
		if first == nil {
			first = st
		}
	}
	return first, first != nil
}

// tail keeps the last lines a step printed, stdout and stderr together.
type tail struct {
	lines []string
	// open holds each stream's line that has not ended yet.
	open map[int]*openLine
}

type openLine struct {
	buf []byte
	cut bool // buf was cut at maxTailLine
	cr  bool // the last write ended in a carriage return
}

func (t *tail) write(stream int, data []byte) {
	if t.open == nil {
		t.open = make(map[int]*openLine)
	}
	ol := t.open[stream]
	if ol == nil {
		ol = &openLine{}
		t.open[stream] = ol
	}
	for len(data) > 0 {
		chunk, rest, ended := bytes.Cut(data, []byte{'\n'})
		ol.append(chunk)
		if !ended {
			break
		}
		t.push(ol.String())
		ol.reset()
		data = rest
	}
}

func (t *tail) push(line string) {
	t.lines = append(t.lines, line)
	if len(t.lines) > tailLines {
		t.lines = t.lines[len(t.lines)-tailLines:]
	}
}

// last returns the kept lines, with any unfinished ones at the end: the
// message a failing command printed last often has no newline.
func (t *tail) last() []string {
	out := append([]string(nil), t.lines...)
	for _, stream := range []int{1, 2} {
		if ol := t.open[stream]; ol != nil && len(ol.buf) > 0 {
			out = append(out, ol.String())
		}
	}
	if len(out) > tailLines {
		out = out[len(out)-tailLines:]
	}
	return out
}

func (ol *openLine) append(p []byte) {
	// A carriage return redraws the line on a terminal (progress bars):
	// only what was drawn last is worth keeping.
	if ol.cr && len(p) > 0 {
		ol.reset()
	}
	if i := bytes.LastIndexByte(p, '\r'); i >= 0 && i == len(p)-1 {
		// Either "\r\n" split across writes or a redraw to come.
		p, ol.cr = p[:i], true
		if j := bytes.LastIndexByte(p, '\r'); j >= 0 {
			ol.reset()
			p = p[j+1:]
		}
	} else if i >= 0 {
		ol.reset()
		p = p[i+1:]
	}
	if room := maxTailLine - len(ol.buf); len(p) > room {
		p, ol.cut = p[:room], true
	}
	ol.buf = append(ol.buf, p...)
}

func (ol *openLine) reset() { ol.buf, ol.cut, ol.cr = ol.buf[:0], false, false }

func (ol *openLine) String() string {
	if ol.cut {
		return string(ol.buf) + "…"
	}
	return string(ol.buf)
}
