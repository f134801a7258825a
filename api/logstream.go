package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// keepAlive is how often an idle stream sends a comment, so that proxies
// do not close it.
const keepAlive = 15 * time.Second

// stream sends the log as server-sent events until the build ends or the
// client goes away.
func (f *follow) stream(w http.ResponseWriter, r *http.Request, b pipeline.Build) {
	ctx := r.Context()
	rc := http.NewResponseController(w)
	var live <-chan pipeline.LogBatch
	if !b.State.Final() {
		// Subscribe before reading the store: a line is published only
		// once stored, so between the two nothing is missed.
		ch, err := f.cfg.Live.FollowLog(ctx, f.id)
		if err != nil {
			f.cfg.Logger.Error("follow live log", "build_id", f.id, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not follow the log")
			return
		}
		live = ch
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	if !f.catchUp(ctx, w) {
		return
	}
	_ = rc.Flush()
	recheck := time.NewTicker(f.cfg.Recheck)
	defer recheck.Stop()
	idle := time.NewTicker(keepAlive)
	defer idle.Stop()
	for state := b.State; !state.Final(); {
		select {
		case <-ctx.Done():
			return
		case batch, ok := <-live:
			if !ok {
				return
			}
			if !f.sendBatch(ctx, w, batch) {
				return
			}
			if batch.End {
				state = f.state(ctx)
			}
		case <-recheck.C:
			state = f.state(ctx)
		case <-idle.C:
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
	// The last lines are stored before the build's end is: read them.
	if f.catchUp(ctx, w) {
		// Only a build already ended can have lost its log: b says so.
		data, _ := json.Marshal(endEvent{State: f.state(ctx), logRemoval: logRemovalOf(b)})
		_, _ = w.Write([]byte("event: end\ndata: " + string(data) + "\n\n"))
		_ = rc.Flush()
	}
}

// endEvent is the data of the last event of a follow.
type endEvent struct {
	State pipeline.State `json:"state"`
	logRemoval
}

// sendBatch sends the lines of batch not sent yet. A gap before them
// means batches were lost: the store has them.
func (f *follow) sendBatch(ctx context.Context, w http.ResponseWriter, batch pipeline.LogBatch) bool {
	if len(batch.Lines) > 0 && batch.Lines[0].Seq > f.after+1 {
		if !f.catchUp(ctx, w) {
			return false
		}
	}
	for _, l := range batch.Lines {
		if l.Seq <= f.after {
			continue
		}
		if f.function == nil || *f.function == l.Function {
			if !f.send(w, l) {
				return false
			}
		}
		f.after = l.Seq
	}
	return true
}

// catchUp sends what the store has after f.after.
func (f *follow) catchUp(ctx context.Context, w http.ResponseWriter) bool {
	for {
		lines, err := f.cfg.Logs.ReadLog(ctx, f.id, f.function, f.after, 0)
		if err != nil {
			if ctx.Err() == nil {
				f.cfg.Logger.Error("read log", "build_id", f.id, "err", err)
			}
			return false
		}
		for _, l := range lines {
			if !f.send(w, l) {
				return false
			}
			f.after = l.Seq
		}
		if len(lines) == 0 {
			return true
		}
	}
}

func (f *follow) send(w http.ResponseWriter, l pipeline.LogLine) bool {
	data, err := json.Marshal(l)
	if err != nil {
		return false
	}
	_, err = w.Write([]byte("event: line\nid: " + strconv.FormatInt(l.Seq, 10) + "\ndata: " + string(data) + "\n\n"))
	return err == nil
}

// state is the build's state now; an error reads as still running, and
// the next check tries again.
func (f *follow) state(ctx context.Context) pipeline.State {
	b, err := f.cfg.Builds.GetBuild(ctx, f.id)
	if err != nil {
		return pipeline.Running
	}
	return b.State
}
