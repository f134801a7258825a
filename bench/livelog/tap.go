package main

import (
	"bytes"
	"context"
	"io"
	"sync"
	"time"

	"github.com/ofcbuild/ofc/logs"
	"github.com/ofcbuild/ofc/pipeline"
)

// tap is the io.Writer BuildKit's progress is written to in the bench: it
// notes when each measured line reaches the builder process, then passes
// the bytes on to the log recorder's writer unchanged. Those arrivals are
// BuildKit's own delivery, the floor under the live log.
type tap struct {
	next io.Writer
	at   *arrivals

	mu      sync.Mutex
	partial []byte // the start of a line not ended yet
}

// Write notes the time first, so the recorder's work is not counted in
// BuildKit's delivery.
func (t *tap) Write(p []byte) (int, error) {
	now := time.Now()
	t.mu.Lock()
	t.partial = append(t.partial, p...)
	for {
		line, rest, ok := bytes.Cut(t.partial, []byte{'\n'})
		if !ok {
			break
		}
		t.at.add(string(line), now)
		t.partial = rest
	}
	t.mu.Unlock()
	return t.next.Write(p)
}

// checkpoint notes when lines pass one point inside the recorder, for the
// builds being watched.
type checkpoint struct {
	mu     sync.Mutex
	builds map[int64]*arrivals
	// batches counts, per build, the chunks or batches that passed.
	batches map[int64]int
}

func newCheckpoint() *checkpoint {
	return &checkpoint{builds: map[int64]*arrivals{}, batches: map[int64]int{}}
}

// count is how many chunks or batches of build id passed.
func (c *checkpoint) count(id int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.batches[id]
}

// watch notes the lines of build id in a from now on.
func (c *checkpoint) watch(id int64, a *arrivals) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.builds[id] = a
}

func (c *checkpoint) note(id int64, lines []pipeline.LogLine, at time.Time) {
	c.mu.Lock()
	a := c.builds[id]
	if a != nil {
		c.batches[id]++
	}
	c.mu.Unlock()
	if a == nil {
		return
	}
	for _, l := range lines {
		a.add(l.Text, at)
	}
}

// timedStore is the recorder's store, noting when each chunk is stored:
// the commit has returned.
type timedStore struct {
	logs.Store
	stored *checkpoint
}

func (s timedStore) AppendLog(ctx context.Context, id int64, lines []pipeline.LogLine) error {
	err := s.Store.AppendLog(ctx, id, lines)
	if err == nil {
		s.stored.note(id, lines, time.Now())
	}
	return err
}

// timedPublisher is the recorder's publisher, noting when each batch is
// handed to the NATS connection.
type timedPublisher struct {
	logs.Publisher
	published *checkpoint
}

func (p timedPublisher) PublishLog(ctx context.Context, id int64, b pipeline.LogBatch) error {
	err := p.Publisher.PublishLog(ctx, id, b)
	if err == nil {
		p.published.note(id, b.Lines, time.Now())
	}
	return err
}
