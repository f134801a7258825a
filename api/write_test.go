package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// fakeWriters knows token "w", alice's, which writes, and "k", ci's,
// which only reads.
type fakeWriters struct{}

func (fakeWriters) Writer(r *http.Request) (string, bool, bool) {
	switch r.Header.Get("Authorization") {
	case "Bearer w":
		return "alice", true, true
	case "Bearer k":
		return "ci", false, true
	}
	return "", false, false
}

// actionStore records what the write handlers ask of the store and the
// queue.
type actionStore struct {
	mu        sync.Mutex
	events    map[int64]pipeline.Event
	recorded  []pipeline.Event
	published []pipeline.BuildRequest
	actions   []pipeline.Action
	cancelled map[int64]string
	rollback  pipeline.Build
	down      bool
}

func (s *actionStore) RecordEvent(_ context.Context, ev pipeline.Event) (pipeline.Build, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recorded = append(s.recorded, ev)
	return pipeline.Build{ID: int64(100 + len(s.recorded))}, true, nil
}

func (s *actionStore) Publish(_ context.Context, req pipeline.BuildRequest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return errors.New("nats: timeout")
	}
	s.published = append(s.published, req)
	return nil
}

func (s *actionStore) RecordAction(_ context.Context, a pipeline.Action) (pipeline.Action, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a.ID = int64(len(s.actions) + 1)
	s.actions = append(s.actions, a)
	return a, nil
}

func (s *actionStore) Actions(_ context.Context, id int64) ([]pipeline.Action, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []pipeline.Action{}
	for _, a := range s.actions {
		if a.BuildID == id || a.ResultID == id {
			out = append(out, a)
		}
	}
	return out, nil
}

func (s *actionStore) CancelBuild(ctx context.Context, a pipeline.Action) (pipeline.Action, error) {
	s.mu.Lock()
	if by, ok := s.cancelled[a.BuildID]; ok {
		s.mu.Unlock()
		return a, fmt.Errorf("cancelled by %s already: %w", by, pipeline.ErrNotCancellable)
	}
	s.cancelled[a.BuildID] = a.By
	s.mu.Unlock()
	return s.RecordAction(ctx, a)
}

func (s *actionStore) BuildEvent(_ context.Context, id int64) (pipeline.Event, error) {
	ev, ok := s.events[id]
	if !ok {
		return ev, pipeline.ErrNotFound
	}
	return ev, nil
}

func (s *actionStore) RollbackTarget(context.Context, pipeline.Repo, string) (pipeline.Build, error) {
	if s.rollback.ID == 0 {
		return s.rollback, pipeline.ErrNotFound
	}
	return s.rollback, nil
}

func serveWrites(t *testing.T, r reader, s *actionStore) *httptest.Server {
	t.Helper()
	c := WriteConfig{Builds: r, Actions: s, Recorder: s, Publisher: s, Access: fakeAccess{}, Writers: fakeWriters{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/builds/{id}/rebuild", Rebuild(c))
	mux.HandleFunc("POST /api/builds/{id}/cancel", Cancel(c))
	mux.HandleFunc("POST /api/rollback", Rollback(c))
	mux.HandleFunc("GET /api/builds/{id}/actions", ListActions(c))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var (
	writeRepo = pipeline.Repo{Provider: pipeline.GitHub, Owner: "alice", Name: "fns", DefaultBranch: "main"}
	fns       = []pipeline.FunctionBuild{{Name: "api"}, {Name: "web-search"}, {Name: "img-search"}}
)

func writeFixture() (reader, *actionStore) {
	r := reader{builds: []pipeline.Build{
		{ID: 1, Repo: writeRepo, Kind: pipeline.Push, Branch: "main", Commit: "c1", State: pipeline.Success, Functions: fns},
		{ID: 2, Repo: writeRepo, Kind: pipeline.Push, Branch: "main", Commit: "c2", State: pipeline.Running, Functions: fns},
		{ID: 3, Repo: writeRepo, Kind: pipeline.Cleanup, Branch: "gone", State: pipeline.Success},
		{ID: 4, Repo: writeRepo, Kind: pipeline.Push, Branch: "main", Commit: "c4", State: pipeline.Failure},
	}}
	s := &actionStore{cancelled: map[int64]string{}, events: map[int64]pipeline.Event{}}
	for _, b := range r.builds {
		s.events[b.ID] = pipeline.Event{DeliveryID: fmt.Sprint("d-", b.ID), Kind: b.Kind, Repo: b.Repo, Branch: b.Branch, Commit: b.Commit}
	}
	return r, s
}

func TestWritesNeedATokenOfScopeWrite(t *testing.T) {
	r, s := writeFixture()
	srv := serveWrites(t, r, s)
	for _, path := range []string{"/api/builds/1/rebuild", "/api/builds/2/cancel", "/api/rollback"} {
		code, body := post(t, srv.URL+path, "", "")
		if code != 401 || !strings.Contains(body, "needs an API token of scope write") {
			t.Errorf("POST %s without a token = %d %s, want 401 saying why", path, code, body)
		}
		code, body = post(t, srv.URL+path, "k", "")
		if code != 403 || !strings.Contains(body, `token \"ci\" may only read`) || !strings.Contains(body, "name:write:token") {
			t.Errorf("POST %s with a read token = %d %s, want 403 saying which scope", path, code, body)
		}
	}
	if len(s.recorded)+len(s.actions)+len(s.cancelled) != 0 {
		t.Errorf("refused writes changed something: %v %v %v", s.recorded, s.actions, s.cancelled)
	}
}

func TestRebuild(t *testing.T) {
	r, s := writeFixture()
	srv := serveWrites(t, r, s)
	code, body := post(t, srv.URL+"/api/builds/1/rebuild", "w", `{"functions": ["*search"]}`)
	if code != 202 || !strings.Contains(body, `"build_id": 101`) || !strings.Contains(body, "asked by alice") {
		t.Fatalf("rebuild = %d %s", code, body)
	}
	ev := s.published[0].Event
	tr := ev.Trigger
	if s.published[0].BuildID != 101 || tr == nil || tr.Action != pipeline.ActionRebuild || tr.By != "alice" || tr.Of != 1 ||
		tr.Reuse || fmt.Sprint(tr.Functions) != "[*search]" || ev.Commit != "c1" || !strings.HasPrefix(ev.DeliveryID, "ofc-rebuild-") {
		t.Errorf("queued %+v with trigger %+v", s.published[0], tr)
	}
	if a := s.actions[0]; a.Kind != pipeline.ActionRebuild || a.BuildID != 1 || a.ResultID != 101 || a.By != "alice" {
		t.Errorf("action = %+v", a)
	}
	if _, body := get(t, srv.URL+"/api/builds/101/actions"); !strings.Contains(body, "no such build") {
		// 101 exists only in the fake queue; the source build lists it.
		t.Errorf("actions of an unknown build: %s", body)
	}
	if _, body := get(t, srv.URL+"/api/builds/1/actions"); !strings.Contains(body, `"result_id": 101`) || !strings.Contains(body, `"by": "alice"`) {
		t.Errorf("actions of build 1 = %s", body)
	}
	code, body = post(t, srv.URL+"/api/builds/4/rebuild", "w", `{"reuse": true}`)
	if code != 202 || !s.published[1].Event.Trigger.Reuse {
		t.Errorf("rebuild of a failed build with reuse = %d %s", code, body)
	}

	cases := []struct {
		path, body string
		code       int
		want       string
	}{
		{"/api/builds/1/rebuild", `{"functions": ["nope*"]}`, 400, `matches none of build 1's functions: api, web-search, img-search`},
		{"/api/builds/1/rebuild", `{"functions": ["[x"]}`, 400, "is not a name or glob"},
		{"/api/builds/1/rebuild", `{"function": ["api"]}`, 400, "not the JSON expected"},
		{"/api/builds/2/rebuild", "", 409, "build 2 is running: wait for it, or cancel it"},
		{"/api/builds/3/rebuild", "", 400, "nothing to rebuild"},
		{"/api/builds/9/rebuild", "", 404, "no such build"},
	}
	for _, c := range cases {
		code, body := post(t, srv.URL+c.path, "w", c.body)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("POST %s %s = %d %s, want %d with %q", c.path, c.body, code, body, c.code, c.want)
		}
	}
	if len(s.published) != 2 {
		t.Errorf("refused rebuilds were queued: %v", s.published)
	}
}

func TestRebuildWhenTheQueueIsDown(t *testing.T) {
	r, s := writeFixture()
	s.down = true
	srv := serveWrites(t, r, s)
	code, body := post(t, srv.URL+"/api/builds/1/rebuild", "w", "")
	if code != 503 || strings.Contains(body, "nats") || !strings.Contains(body, `"build_id": 101`) {
		t.Errorf("rebuild with the queue down = %d %s, want 503 naming the recorded build, without internals", code, body)
	}
}

func TestCancel(t *testing.T) {
	r, s := writeFixture()
	srv := serveWrites(t, r, s)
	code, body := post(t, srv.URL+"/api/builds/2/cancel", "w", "")
	if code != 202 || !strings.Contains(body, `"status": "stopping"`) || s.cancelled[2] != "alice" {
		t.Errorf("cancel of a running build = %d %s", code, body)
	}
	code, body = post(t, srv.URL+"/api/builds/2/cancel", "w", "")
	if code != 409 || !strings.Contains(body, "build 2 is stopping already") {
		t.Errorf("second cancel = %d %s, want 409", code, body)
	}
	s.cancelled[1] = "bob" // the store refuses a final build
	code, body = post(t, srv.URL+"/api/builds/1/cancel", "w", "")
	if code != 409 || !strings.Contains(body, "build 1 has ended already, as success") {
		t.Errorf("cancel of a final build = %d %s, want 409", code, body)
	}
	if _, body := get(t, srv.URL+"/api/builds/2/actions"); !strings.Contains(body, `"kind": "cancel"`) {
		t.Errorf("actions of build 2 = %s", body)
	}
}

func TestRollback(t *testing.T) {
	r, s := writeFixture()
	srv := serveWrites(t, r, s)
	code, body := post(t, srv.URL+"/api/rollback", "w", `{"owner": "alice", "repo": "fns"}`)
	if code != 404 || !strings.Contains(body, "nothing to roll back to") {
		t.Errorf("rollback without a target = %d %s", code, body)
	}
	s.rollback = r.builds[0]
	code, body = post(t, srv.URL+"/api/rollback", "w", `{"owner": "alice", "repo": "fns", "branch": "main"}`)
	if code != 202 {
		t.Fatalf("rollback = %d %s", code, body)
	}
	if tr := s.published[0].Event.Trigger; !tr.Rollback() || tr.Of != 1 || !tr.Reuse || s.published[0].Event.Commit != "c1" {
		t.Errorf("rollback queued %+v", s.published[0])
	}
	cases := []struct {
		body string
		code int
		want string
	}{
		{`{"to": 1}`, 202, "rollback of build 1"},
		{`{"to": 4}`, 400, "a rollback goes back to a successful build of a push"},
		{`{"to": 1, "owner": "bob", "repo": "fns"}`, 400, "not bob/fns"},
		{`{"to": 9}`, 404, "no build 9"},
		{`{}`, 400, "owner and repo are required"},
		{`{"owner": "bob", "repo": "x"}`, 404, "bob/x has no builds"},
	}
	for _, c := range cases {
		code, body := post(t, srv.URL+"/api/rollback", "w", c.body)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("POST /api/rollback %s = %d %s, want %d with %q", c.body, code, body, c.code, c.want)
		}
	}
	var out struct {
		Action pipeline.Action `json:"action"`
	}
	_, body = post(t, srv.URL+"/api/rollback", "w", `{"to": 1}`)
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Action.Kind != pipeline.ActionRollback || out.Action.By != "alice" {
		t.Errorf("rollback answer %s: %v", body, err)
	}
}
