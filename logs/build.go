package logs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// buildLog is the part of one build's log not stored yet.
type buildLog struct {
	r  *Recorder
	id int64

	// flushing orders the chunks: one flush at a time, each taking
	// everything queued before it.
	flushing sync.Mutex

	mu     sync.Mutex
	seq    int64 // the last Seq given
	loaded bool  // seq starts from the store's last

	pending []pipeline.LogLine
	size    int
	timer   *time.Timer
	streams map[string]*stream
}

// stream is the size accounting of one function's log, or the build's.
type stream struct {
	bytes     int
	truncated bool
	// Past the bound: how much was dropped, and the end kept.
	dropped, droppedBytes int
	tail                  []tailLine
	tailBytes             int
}

type tailLine struct {
	step pipeline.Step
	at   time.Time
	text string
}

// add queues one line and reports whether a chunk is full.
func (b *buildLog) add(ctx context.Context, function string, step pipeline.Step, text string, at time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.streams[function]
	if st == nil {
		st = &stream{}
		b.streams[function] = st
	}
	max := b.r.cfg.MaxBytes
	switch {
	case st.truncated:
		st.keep(tailLine{step, at, text}, b.r.cfg.TailBytes)
		return false
	case st.bytes+len(text)+1 > max:
		st.truncated = true
		b.queue(ctx, function, step, at, fmt.Sprintf("[log truncated: this log is over %s; lines are dropped from here, and its last %s are shown when the build ends]",
			size(max), size(b.r.cfg.TailBytes)))
		st.keep(tailLine{step, at, text}, b.r.cfg.TailBytes)
		return b.size >= b.r.cfg.ChunkBytes
	}
	st.bytes += len(text) + 1
	b.queue(ctx, function, step, at, text)
	return b.size >= b.r.cfg.ChunkBytes
}

// queue numbers a line and schedules its flush; b.mu is held.
func (b *buildLog) queue(ctx context.Context, function string, step pipeline.Step, at time.Time, text string) {
	if !b.loaded {
		// A later attempt of the build, perhaps on another builder,
		// numbers on from what is stored.
		last, err := b.r.cfg.Store.LastLogSeq(context.WithoutCancel(ctx), b.id)
		if err != nil {
			b.r.cfg.Logger.Warn("read log position", "build_id", b.id, "err", err)
		}
		b.seq, b.loaded = last, err == nil
	}
	b.seq++
	b.pending = append(b.pending, pipeline.LogLine{Seq: b.seq, Function: function, Step: step, Time: at, Text: text})
	b.size += len(text) + 64
	if b.timer == nil {
		bg := context.WithoutCancel(ctx)
		b.timer = time.AfterFunc(b.r.cfg.FlushEvery, func() { b.flush(bg, false) })
	}
}

// keep adds l to the end kept of a truncated stream, dropping its oldest.
func (st *stream) keep(l tailLine, max int) {
	st.tail = append(st.tail, l)
	st.tailBytes += len(l.text) + 1
	for st.tailBytes > max && len(st.tail) > 0 {
		st.dropped++
		st.droppedBytes += len(st.tail[0].text) + 1
		st.tailBytes -= len(st.tail[0].text) + 1
		st.tail[0] = tailLine{}
		st.tail = st.tail[1:]
	}
}

// closeStreams queues the kept end of each truncated stream, after a line
// that says how much was left out.
func (b *buildLog) closeStreams() {
	b.mu.Lock()
	defer b.mu.Unlock()
	ctx := context.Background()
	for fn, st := range b.streams {
		if !st.truncated {
			continue
		}
		at := time.Now().UTC()
		if len(st.tail) > 0 {
			at = st.tail[0].at
		}
		b.queue(ctx, fn, pipeline.StepBuild, at, fmt.Sprintf("[log truncated: %d lines (%s) left out; the last %d lines follow]",
			st.dropped, size(st.droppedBytes), len(st.tail)))
		for _, l := range st.tail {
			b.queue(ctx, fn, l.step, l.at, l.text)
		}
		st.tail, st.tailBytes, st.dropped, st.droppedBytes = nil, 0, 0, 0
	}
}

// flush stores the lines queued and publishes them, then the end of the
// log when ended.
func (b *buildLog) flush(ctx context.Context, ended bool) {
	b.flushing.Lock()
	defer b.flushing.Unlock()
	b.mu.Lock()
	lines := b.pending
	b.pending, b.size = nil, 0
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	b.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if len(lines) > 0 {
		if err := b.r.cfg.Store.AppendLog(ctx, b.id, lines); err != nil {
			// Lines are not held back: a store that is down would
			// otherwise hold a whole build's output in memory.
			b.r.cfg.Logger.Error("store log lines; they are lost", "build_id", b.id, "lines", len(lines), "err", err)
		} else {
			b.r.publish(ctx, b.id, pipeline.LogBatch{Lines: lines})
		}
	}
	if ended {
		b.r.publish(ctx, b.id, pipeline.LogBatch{End: true})
	}
}

// size reads n bytes as a person would.
func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
