package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/pipeline"
)

// servePages answers GET /api/builds/{id}/logs from lines as the API
// does: after=, limit=, function=, complete when the build has ended and
// nothing follows.
func servePages(api *fakeAPI, lines []pipeline.LogLine, ended bool) {
	api.handle("GET /api/builds/7/logs", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
		limit, _ := strconv.Atoi(q.Get("limit"))
		page := []pipeline.LogLine{}
		for _, l := range lines {
			if l.Seq > after && len(page) < limit && (!q.Has("function") || q.Get("function") == l.Function) {
				page = append(page, l)
			}
		}
		writeJSON(w, 200, logPage{BuildID: 7, Lines: page, Complete: ended && len(page) < limit})
	})
}

func TestLogsPages(t *testing.T) {
	api := newFakeAPI(t)
	var lines []pipeline.LogLine
	var want strings.Builder
	for seq := int64(1); seq <= 2*logPageSize+5; seq++ {
		l := logLine(seq, "", pipeline.StepClone, fmt.Sprint("line ", seq))
		if seq > 2 {
			l.Function, l.Step = "hello", pipeline.StepBuild
		}
		lines = append(lines, l)
		fmt.Fprintf(&want, "%s ", l.Time.Format("15:04:05"))
		if l.Function != "" {
			want.WriteString("[hello] ")
		}
		fmt.Fprintf(&want, "%-7s | line %d\n", l.Step, seq)
	}
	servePages(api, lines, true)
	got := api.run(nil, "logs", "7")
	wantResult(t, got, 0, want.String())
	var afters []string
	for _, r := range api.asked() {
		afters = append(afters, r.URL.Query().Get("after")+"/"+r.URL.Query().Get("limit"))
	}
	if s := strings.Join(afters, " "); s != "/1000 1000/1000 2000/1000" {
		t.Errorf("pages asked: %s", s)
	}
	if got.stderr != "" {
		t.Errorf("stderr: %s", got.stderr)
	}
}

func TestLogsOneFunction(t *testing.T) {
	api := newFakeAPI(t)
	servePages(api, []pipeline.LogLine{
		logLine(1, "", pipeline.StepClone, "cloned"),
		logLine(2, "hello", pipeline.StepBuild, "built\r\n"),
		logLine(3, "bye", pipeline.StepBuild, "built too"),
	}, false)
	got := api.run(nil, "logs", "--function", "hello", "7")
	wantResult(t, got, 0, "12:00:02 build   | built\n")
	wantStderr(t, got, "build 7 has not ended; follow it with: ofc logs 7 --follow")

	got = api.run(nil, "logs", "7", "--function=")
	wantResult(t, got, 0, "12:00:01 clone   | cloned\n")
	if q := api.asked()[1].URL.Query(); !q.Has("function") || q.Get("function") != "" {
		t.Errorf("the build's own stream asked as %v", q)
	}
}

// A log the retention policy removed is said to be removed, not printed
// as an empty log.
func TestLogsRemoved(t *testing.T) {
	api := newFakeAPI(t)
	note := "This log was removed by the retention policy on 2026-04-01 (older than 30 days)."
	api.handle("GET /api/builds/7/logs", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, logPage{BuildID: 7, Lines: []pipeline.LogLine{}, Complete: true, LogRemoved: note})
	})
	got := api.run(nil, "logs", "7")
	wantResult(t, got, 0, "")
	wantStderr(t, got, "build 7: "+note)
}

// TestFollowResumes drops the stream twice, once cleanly and once
// abruptly, and resends a line already sent: each line is printed once,
// and each reconnection resumes from the last line printed.
func TestFollowResumes(t *testing.T) {
	api := newFakeAPI(t)
	var conns atomic.Int32
	line := func(seq int64) pipeline.LogLine {
		return logLine(seq, "hello", pipeline.StepBuild, fmt.Sprint("step ", seq))
	}
	api.handle("GET /api/builds/7/logs", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("follow") != "1" || r.Header.Get("Accept") != "text/event-stream" {
			apiError(400, "not a follow")(w, r)
			return
		}
		sseHeaders(w)
		switch conns.Add(1) {
		case 1:
			fmt.Fprint(w, ": keep-alive\n\nretry: 1\n\n")
			sseLine(w, line(1))
			sseLine(w, line(2))
			// the handler returns: the stream ends cleanly, without "end"
		case 2:
			sseLine(w, line(2)) // again, as a server resuming one line early would
			sseLine(w, line(3))
			panic(http.ErrAbortHandler) // the connection breaks
		default:
			sseLine(w, line(4))
			sseEnd(w, pipeline.Failure)
		}
	})
	got := api.run(nil, "logs", "7", "-f")
	wantResult(t, got, exitBuildFailed, ""+
		"12:00:01 [hello] build   | step 1\n"+
		"12:00:02 [hello] build   | step 2\n"+
		"12:00:03 [hello] build   | step 3\n"+
		"12:00:04 [hello] build   | step 4\n")
	wantStderr(t, got, "the stream ended before the build did; reconnecting", "build 7 ended: failure")
	var resumed []string
	for _, r := range api.asked() {
		resumed = append(resumed, r.Header.Get("Last-Event-ID")+"/"+r.URL.Query().Get("after"))
	}
	if s := strings.Join(resumed, " "); s != "/ 2/2 3/3" {
		t.Errorf("Last-Event-ID/after of each connection: %s, want / 2/2 3/3", s)
	}
}

func TestFollowEnds(t *testing.T) {
	for _, tc := range []struct {
		state pipeline.State
		code  int
	}{{pipeline.Success, 0}, {pipeline.Failure, 1}, {pipeline.Error, 1}, {"", 1}} {
		api := newFakeAPI(t)
		api.handle("GET /api/builds/7/logs", func(w http.ResponseWriter, r *http.Request) {
			sseHeaders(w)
			sseLine(w, logLine(1, "", pipeline.StepClone, "cloned"))
			fmt.Fprint(w, "event: news\ndata: {}\n\n") // what a newer server might add
			sseEnd(w, tc.state)
		})
		got := api.run(nil, "logs", "--follow", "--function", "", "7")
		wantResult(t, got, tc.code, "12:00:01 clone   | cloned\n")
		wantStderr(t, got, fmt.Sprintf("build 7 ended: %s", orDash(string(tc.state))))
	}
}

func TestFollowGivesUp(t *testing.T) {
	api := newFakeAPI(t)
	api.handle("GET /api/builds/7/logs", apiError(http.StatusNotFound, "no such build"))
	got := api.run(nil, "logs", "7", "--follow")
	wantResult(t, got, exitAPI, "")
	wantStderr(t, got, "no such build (404 Not Found)")
	if n := len(api.asked()); n != 1 {
		t.Errorf("%d requests for a missing build, want 1", n)
	}

	api = newFakeAPI(t)
	api.handle("GET /api/builds/7/logs", apiError(http.StatusServiceUnavailable, "could not follow the log"))
	got = api.run(nil, "logs", "7", "--follow")
	wantResult(t, got, exitUnreachable, "")
	wantStderr(t, got, "lost the live log after 4 attempts", "could not follow the log")
	if n := len(api.asked()); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}

	api = newFakeAPI(t) // a server that answers the JSON page to a follow
	servePages(api, nil, true)
	got = api.run(nil, "logs", "7", "--follow")
	wantResult(t, got, exitAPI, "")
	wantStderr(t, got, "the server does not stream logs")
}

// cancelAfter is stdout that cancels the run once a line is printed, as
// Ctrl-C would while a build is followed.
type cancelAfter struct {
	out    strings.Builder
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.cancel()
	return c.out.Write(p)
}

func TestInterrupted(t *testing.T) {
	api := newFakeAPI(t)
	api.handle("GET /api/builds/7/logs", func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		sseLine(w, logLine(1, "", pipeline.StepClone, "cloned"))
		<-r.Context().Done()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, errs := &cancelAfter{cancel: cancel}, &strings.Builder{}
	a := newApp(envconfig.Map(map[string]string{"OFC_URL": api.srv.URL}), false, out, errs)
	if code := a.main(ctx, []string{"logs", "7", "--follow"}); code != exitInterrupted || !strings.Contains(out.out.String(), "cloned") {
		t.Errorf("exit code %d, want %d; stdout %q; stderr %q", code, exitInterrupted, out.out.String(), errs.String())
	}
}
