// Package logs captures build logs: it numbers each line, masks secrets,
// bounds each stream's size, stores the lines in chunks and publishes them
// to the followers of the build's live log once stored.
package logs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// Store keeps log lines. AppendLog stores lines that follow every line of
// build id stored before; storing the same chunk twice keeps one.
// LastLogSeq is the last Seq stored for build id, 0 for none.
type Store interface {
	AppendLog(ctx context.Context, id int64, lines []pipeline.LogLine) error
	LastLogSeq(ctx context.Context, id int64) (int64, error)
}

// Publisher sends stored lines to the followers of build id's log. It
// must not block for long; a batch it loses is still in the store.
type Publisher interface {
	PublishLog(ctx context.Context, id int64, b pipeline.LogBatch) error
}

// Config configures a Recorder. Store is required.
type Config struct {
	Store     Store
	Publisher Publisher
	// Redactor masks secrets in every line before it goes anywhere; nil
	// masks nothing.
	Redactor *Redactor
	// MaxBytes bounds each stream (a function's log, or the build's);
	// past it lines are dropped, and the end of the stream is kept and
	// stored when the build's attempt ends. Default 4 MiB.
	MaxBytes int
	// TailBytes is how much of the end of a truncated stream is kept.
	// Default 64 KiB.
	TailBytes int
	// FlushEvery is the longest a line waits before it is stored and
	// published: the live log's latency. Default DefaultFlushEvery.
	FlushEvery time.Duration
	// ChunkBytes stores the lines at once when this much waits. Default
	// 64 KiB.
	ChunkBytes int
	Logger     *slog.Logger
}

// DefaultFlushEvery is how long a line waits for others to share its
// chunk. BuildKit's progress arrives in bursts 100 ms apart: a quarter of
// that still stores each burst as one chunk, and adds little to the live
// log's latency.
const DefaultFlushEvery = 25 * time.Millisecond

// Recorder is a pipeline.LogSink that stores and publishes build logs.
// Safe for concurrent use.
type Recorder struct {
	cfg Config

	mu     sync.Mutex
	builds map[int64]*buildLog
}

var _ pipeline.LogSink = (*Recorder)(nil)

// New returns a Recorder.
func New(cfg Config) *Recorder {
	if cfg.Redactor == nil {
		cfg.Redactor = &Redactor{}
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 4 << 20
	}
	if cfg.TailBytes <= 0 {
		cfg.TailBytes = 64 << 10
	}
	cfg.TailBytes = min(cfg.TailBytes, cfg.MaxBytes)
	if cfg.FlushEvery <= 0 {
		cfg.FlushEvery = DefaultFlushEvery
	}
	if cfg.ChunkBytes <= 0 {
		cfg.ChunkBytes = 64 << 10
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Recorder{cfg: cfg, builds: map[int64]*buildLog{}}
}

// Line implements pipeline.LogSink: it masks secrets in text and queues
// it for the next flush. It blocks only when a chunk is full, while that
// chunk is stored, which keeps a flood of output from filling memory.
func (r *Recorder) Line(ctx context.Context, id int64, function string, step pipeline.Step, text string) {
	b := r.build(id)
	text = r.cfg.Redactor.Redact(text)
	if full := b.add(ctx, function, step, text, time.Now().UTC()); full {
		b.flush(ctx, false)
	}
}

// Flush implements pipeline.LogSink: it stores what waits, with the kept
// end of every truncated stream, and, when ended, tells followers the log
// is complete. The build's state in memory goes with it.
func (r *Recorder) Flush(ctx context.Context, id int64, ended bool) {
	r.mu.Lock()
	b, ok := r.builds[id]
	delete(r.builds, id)
	r.mu.Unlock()
	if !ok {
		if ended {
			r.publish(ctx, id, pipeline.LogBatch{End: true})
		}
		return
	}
	b.closeStreams()
	b.flush(ctx, ended)
}

func (r *Recorder) build(id int64) *buildLog {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.builds[id]
	if !ok {
		b = &buildLog{r: r, id: id, streams: map[string]*stream{}}
		r.builds[id] = b
	}
	return b
}

func (r *Recorder) publish(ctx context.Context, id int64, batch pipeline.LogBatch) {
	if r.cfg.Publisher == nil {
		return
	}
	if err := r.cfg.Publisher.PublishLog(ctx, id, batch); err != nil {
		r.cfg.Logger.Warn("publish live log", "build_id", id, "err", err)
	}
}
