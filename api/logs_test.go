package api

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// logWorld is a build whose log grows while a test watches: lines are
// stored, then published, as the builder does.
type logWorld struct {
	mu      sync.Mutex
	build   pipeline.Build
	lines   []pipeline.LogLine
	private bool
	subs    []chan pipeline.LogBatch
}

func (w *logWorld) ListBuilds(context.Context, string, string, int) ([]pipeline.Build, error) {
	return nil, nil
}

func (w *logWorld) GetBuild(_ context.Context, id int64) (pipeline.Build, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if id != w.build.ID {
		return pipeline.Build{}, pipeline.ErrNotFound
	}
	return w.build, nil
}

func (w *logWorld) ReadLog(_ context.Context, _ int64, function *string, after int64, limit int) ([]pipeline.LogLine, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []pipeline.LogLine
	for _, l := range w.lines {
		if l.Seq > after && (function == nil || *function == l.Function) && (limit <= 0 || len(out) < limit) {
			out = append(out, l)
		}
	}
	return out, nil
}

func (w *logWorld) FollowLog(ctx context.Context, _ int64) (<-chan pipeline.LogBatch, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan pipeline.LogBatch, 16)
	w.subs = append(w.subs, ch)
	return ch, nil
}

func (w *logWorld) CanReadRepo(*http.Request, pipeline.Repo) bool { return !w.private }
func (w *logWorld) CanReadBuild(r *http.Request, _ pipeline.Build) bool {
	return !w.private || r.Header.Get("Authorization") == "Bearer ok"
}

// log stores a line of fn and publishes it unless lost.
func (w *logWorld) log(fn, text string, lost bool) {
	w.mu.Lock()
	l := pipeline.LogLine{Seq: int64(len(w.lines) + 1), Function: fn, Step: pipeline.StepBuild, Time: time.Now().UTC(), Text: text}
	w.lines = append(w.lines, l)
	subs := w.subs
	w.mu.Unlock()
	if !lost {
		for _, s := range subs {
			s <- pipeline.LogBatch{Lines: []pipeline.LogLine{l}}
		}
	}
}

func (w *logWorld) end(state pipeline.State) {
	w.mu.Lock()
	w.build.State = state
	subs := w.subs
	w.mu.Unlock()
	for _, s := range subs {
		s <- pipeline.LogBatch{End: true}
	}
}

func (w *logWorld) subscribers() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.subs)
}

func serveLogs(t *testing.T, w *logWorld) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/builds/{id}/logs", BuildLogs(LogsConfig{Builds: w, Logs: w, Live: w, Access: w,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Recheck: time.Hour}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// event is one server-sent event.
type event struct{ name, id, data string }

func readEvents(t *testing.T, body io.Reader, out chan<- event) {
	sc := bufio.NewScanner(body)
	var ev event
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.name != "" {
				out <- ev
			}
			ev = event{}
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			ev.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			ev.data = strings.TrimPrefix(line, "data: ")
		}
	}
	close(out)
}

func TestFollowingALogStreamsStoredThenLiveLinesThenTheEnd(t *testing.T) {
	w := &logWorld{build: pipeline.Build{ID: 5, State: pipeline.Running}}
	w.log("", "fetching", false)
	w.log("greet", "#1 [internal] load build definition", false)
	srv := serveLogs(t, w)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/builds/5/logs?function=greet", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("answer %d %s", resp.StatusCode, ct)
	}
	events := make(chan event, 64)
	go readEvents(t, resp.Body, events)
	next := func() event {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(5 * time.Second):
			t.Fatal("no event within 5s")
			return event{}
		}
	}
	if ev := next(); ev.name != "line" || ev.id != "2" || !strings.Contains(ev.data, "load build definition") {
		t.Errorf("first event %+v, want greet's stored line 2", ev)
	}
	for w.subscribers() == 0 {
		time.Sleep(time.Millisecond)
	}
	w.log("reverse", "another function", false)
	w.log("greet", "#2 RUN go build", false)
	w.log("greet", "lost on the way, read from the store", true)
	w.log("greet", "#2 DONE 1.2s", false)
	for _, want := range []struct{ id, text string }{{"4", "RUN go build"}, {"5", "lost on the way"}, {"6", "DONE 1.2s"}} {
		ev := next()
		var l pipeline.LogLine
		if err := json.Unmarshal([]byte(ev.data), &l); err != nil || ev.name != "line" || ev.id != want.id || !strings.Contains(l.Text, want.text) {
			t.Errorf("event %+v, want line %s %q", ev, want.id, want.text)
		}
	}
	w.end(pipeline.Success)
	if ev := next(); ev.name != "end" || ev.data != `{"state":"success"}` {
		t.Errorf("last event %+v, want the end with the state", ev)
	}
	if _, open := <-events; open {
		t.Error("the stream stayed open after the end")
	}
}

func TestLogResumesAfterLastEventIDAndReadsAsJSON(t *testing.T) {
	w := &logWorld{build: pipeline.Build{ID: 5, State: pipeline.Failure}}
	for _, text := range []string{"one", "two", "three"} {
		w.log("", text, false)
	}
	srv := serveLogs(t, w)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/builds/5/logs?follow=1", nil)
	req.Header.Set("Last-Event-ID", "2")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := string(body); strings.Contains(got, `"one"`) || strings.Contains(got, `"two"`) ||
		!strings.Contains(got, "id: 3\n") || !strings.HasSuffix(got, "event: end\ndata: {\"state\":\"failure\"}\n\n") {
		t.Errorf("resumed stream of a finished build:\n%s", got)
	}

	resp, err = http.Get(srv.URL + "/api/builds/5/logs?after=1")
	if err != nil {
		t.Fatal(err)
	}
	var page logPage
	err = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if err != nil || len(page.Lines) != 2 || page.Lines[0].Text != "two" || !page.Complete {
		t.Errorf("JSON page after 1: %+v, %v", page, err)
	}
}

func TestAPrivateBuildsLogIsNotFoundWithoutCredentials(t *testing.T) {
	w := &logWorld{build: pipeline.Build{ID: 5, State: pipeline.Success}, private: true}
	w.log("", "secret-ish", false)
	srv := serveLogs(t, w)
	for _, path := range []string{"/api/builds/5/logs", "/api/builds/5/logs?follow=1", "/api/builds/6/logs"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 || strings.Contains(string(body), "secret-ish") {
			t.Errorf("GET %s: %d %s, want 404", path, resp.StatusCode, body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/builds/5/logs", nil)
	req.Header.Set("Authorization", "Bearer ok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with credentials: %d", resp.StatusCode)
	}
}
