package api

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/api/apitest"
	"github.com/ofcbuild/ofc/pipeline"
)

func serveLogs(t *testing.T, w *apitest.LiveBuild) *httptest.Server {
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
	w := apitest.New(pipeline.Build{ID: 5, State: pipeline.Running})
	w.Log("", pipeline.StepBuild, "fetching")
	w.Log("greet", pipeline.StepBuild, "#1 [internal] load build definition")
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
	for w.Followers() == 0 {
		time.Sleep(time.Millisecond)
	}
	w.Log("reverse", pipeline.StepBuild, "another function")
	w.Log("greet", pipeline.StepBuild, "#2 RUN go build")
	w.LogLost("greet", pipeline.StepBuild, "lost on the way, read from the store")
	w.Log("greet", pipeline.StepBuild, "#2 DONE 1.2s")
	for _, want := range []struct{ id, text string }{{"4", "RUN go build"}, {"5", "lost on the way"}, {"6", "DONE 1.2s"}} {
		ev := next()
		var l pipeline.LogLine
		if err := json.Unmarshal([]byte(ev.data), &l); err != nil || ev.name != "line" || ev.id != want.id || !strings.Contains(l.Text, want.text) {
			t.Errorf("event %+v, want line %s %q", ev, want.id, want.text)
		}
	}
	w.End(pipeline.Success)
	if ev := next(); ev.name != "end" || ev.data != `{"state":"success"}` {
		t.Errorf("last event %+v, want the end with the state", ev)
	}
	if _, open := <-events; open {
		t.Error("the stream stayed open after the end")
	}
}

func TestLogResumesAfterLastEventIDAndReadsAsJSON(t *testing.T) {
	w := apitest.New(pipeline.Build{ID: 5, State: pipeline.Failure})
	for _, text := range []string{"one", "two", "three"} {
		w.Log("", pipeline.StepBuild, text)
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
	w := apitest.New(pipeline.Build{ID: 5, State: pipeline.Success, Repo: pipeline.Repo{Private: true}})
	w.Token = "ok"
	w.Log("", pipeline.StepBuild, "secret-ish")
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

// A log the retention policy removed reads as no lines, and says so, as
// JSON and at the end of a follow.
func TestARemovedLogSaysWhenAndWhy(t *testing.T) {
	removed := time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC)
	w := apitest.New(pipeline.Build{ID: 5, State: pipeline.Success, LogRemovedAt: &removed, LogRemovedWhy: "older than 30 days"})
	srv := serveLogs(t, w)
	const note = "This log was removed by the retention policy on 2026-04-01 (older than 30 days)."

	resp, err := http.Get(srv.URL + "/api/builds/5/logs")
	if err != nil {
		t.Fatal(err)
	}
	var page map[string]any
	err = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET logs: %d, %v", resp.StatusCode, err)
	}
	if lines, ok := page["lines"].([]any); !ok || len(lines) != 0 || page["complete"] != true ||
		page["log_removed_at"] != "2026-04-01T03:00:00Z" || page["log_removed"] != note {
		t.Errorf("JSON of a removed log: %v, want no lines, complete, removed at 2026-04-01T03:00:00Z with %q", page, note)
	}

	resp, err = http.Get(srv.URL + "/api/builds/5/logs?follow=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "event: end\ndata: {\"state\":\"success\",\"log_removed_at\":\"2026-04-01T03:00:00Z\",\"log_removed\":\"" + note + "\"}\n\n"
	if string(body) != want {
		t.Errorf("follow of a removed log:\n%s\nwant\n%s", body, want)
	}
}

func TestLogRemovedNote(t *testing.T) {
	// Dates are UTC's, as on the rest of the pages.
	at := time.Date(2026, 4, 2, 1, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	for _, tc := range []struct {
		b    pipeline.Build
		want string
	}{
		{pipeline.Build{}, ""},
		{pipeline.Build{LogRemovedAt: &at, LogRemovedWhy: "not among the repository's latest 200 builds"},
			"This log was removed by the retention policy on 2026-04-01 (not among the repository's latest 200 builds)."},
		{pipeline.Build{LogRemovedAt: &at}, "This log was removed by the retention policy on 2026-04-01."},
	} {
		if got := LogRemovedNote(tc.b); got != tc.want {
			t.Errorf("LogRemovedNote(%v, %q) = %q, want %q", tc.b.LogRemovedAt, tc.b.LogRemovedWhy, got, tc.want)
		}
	}
}
