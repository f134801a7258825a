package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// LogFollower subscribes to builds' live logs. FollowLog's subscription is
// in place when it returns, so that a log read from the store afterwards
// misses nothing; the channel closes when ctx ends. Batches may be lost
// when the follower falls behind: a gap in Seq says so.
type LogFollower interface {
	FollowLog(ctx context.Context, id int64) (<-chan pipeline.LogBatch, error)
}

// LogsConfig is what the log handler reads from.
type LogsConfig struct {
	Builds pipeline.BuildReader
	Logs   pipeline.LogReader
	Live   LogFollower
	Access Access
	Logger *slog.Logger
	// Recheck is how often a follow checks the build's state, in case the
	// news of its end was lost. Default 5s.
	Recheck time.Duration
}

// maxLogPage bounds the lines of one JSON answer; ?limit= asks for fewer.
const maxLogPage = 1000

// logPage is the JSON answer without follow.
type logPage struct {
	BuildID int64              `json:"build_id"`
	Lines   []pipeline.LogLine `json:"lines"`
	// Complete says the build has ended and no line follows these.
	Complete bool `json:"complete"`
	// The retention policy removed the log: no line is left to read.
	logRemoval
}

// BuildLogs serves GET /api/builds/{id}/logs: the build's stored log as
// JSON, a page of lines after ?after= (default all streams; ?function=f
// one function's, ?function= the build's own); or, with ?follow=1 or
// Accept: text/event-stream, server-sent events: every stored line, then
// each new one as it is stored ("event: line", "id: <seq>", data the line
// as JSON), then "event: end" with the build's final state. A follow
// resumes after Last-Event-ID. A log the retention policy removed has no
// lines, and both answers say when and why it was removed.
func BuildLogs(cfg LogsConfig) http.HandlerFunc {
	if cfg.Recheck <= 0 {
		cfg.Recheck = 5 * time.Second
	}
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id < 1 {
			writeError(w, http.StatusNotFound, "no such build")
			return
		}
		b, err := cfg.Builds.GetBuild(r.Context(), id)
		if errors.Is(err, pipeline.ErrNotFound) || err == nil && !cfg.Access.CanReadBuild(r, b) {
			writeError(w, http.StatusNotFound, "no such build")
			return
		}
		if err != nil {
			cfg.Logger.Error("get build", "build_id", id, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not read the build")
			return
		}
		q := r.URL.Query()
		var function *string
		if q.Has("function") {
			f := q.Get("function")
			function = &f
		}
		after, err := position(q.Get("after"), r.Header.Get("Last-Event-ID"))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		f := follow{cfg: cfg, id: id, function: function, after: after}
		if q.Get("follow") == "1" || strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			f.stream(w, r, b)
			return
		}
		if b.LogRemovedAt != nil {
			writeJSON(w, http.StatusOK, logPage{BuildID: id, Lines: []pipeline.LogLine{}, Complete: true, logRemoval: logRemovalOf(b)})
			return
		}
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit <= 0 || limit > maxLogPage {
			limit = maxLogPage
		}
		lines, err := cfg.Logs.ReadLog(r.Context(), id, function, after, limit)
		if err != nil {
			cfg.Logger.Error("read log", "build_id", id, "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not read the log")
			return
		}
		if lines == nil {
			lines = []pipeline.LogLine{}
		}
		more := len(lines) == limit
		writeJSON(w, http.StatusOK, logPage{BuildID: id, Lines: lines, Complete: b.State.Final() && !more})
	}
}

// position is where a reader resumes: ?after= wins over Last-Event-ID.
func position(after, lastEventID string) (int64, error) {
	s := after
	if s == "" {
		s = lastEventID
	}
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("after %q is not a line number", s)
	}
	return n, nil
}

// follow is one client following a build's log.
type follow struct {
	cfg      LogsConfig
	id       int64
	function *string
	after    int64 // the last Seq sent
}
