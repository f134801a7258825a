package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

type reader struct {
	builds []pipeline.Build
	err    error
}

func (r reader) ListBuilds(_ context.Context, owner, repo string, limit int) ([]pipeline.Build, error) {
	if r.err != nil {
		return nil, r.err
	}
	var out []pipeline.Build
	for _, b := range r.builds {
		if b.Repo.Owner == owner && b.Repo.Name == repo && len(out) < limit {
			out = append(out, b)
		}
	}
	return out, nil
}

func (r reader) GetBuild(_ context.Context, id int64) (pipeline.Build, error) {
	if r.err != nil {
		return pipeline.Build{}, r.err
	}
	for _, b := range r.builds {
		if b.ID == id {
			return b, nil
		}
	}
	return pipeline.Build{}, pipeline.ErrNotFound
}

func serve(t *testing.T, r reader) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/builds", ListBuilds(r, fakeAccess{}, log))
	mux.HandleFunc("GET /api/builds/{id}", GetBuild(r, fakeAccess{}, "http://gw:8080/", log))
	mux.HandleFunc("GET /api/repos", ListRepos(r, fakeAccess{}, log))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	return getAs(t, url, "")
}

func TestBuildsAPI(t *testing.T) {
	repo := pipeline.Repo{Owner: "alice", Name: "fns"}
	srv := serve(t, reader{builds: []pipeline.Build{
		{ID: 2, Repo: repo, State: pipeline.Success, Functions: []pipeline.FunctionBuild{{Name: "api", Digest: "sha256:ab"}}},
		{ID: 1, Repo: repo, State: pipeline.Failure, FailedStep: pipeline.StepBuild},
	}})
	cases := []struct {
		path string
		code int
		want string
	}{
		{"/api/builds?owner=alice&repo=fns", 200, `"id": 2`},
		{"/api/builds?owner=alice&repo=fns&limit=1", 200, `"id": 2`},
		{"/api/builds?owner=bob&repo=fns", 200, `"builds": []`},
		{"/api/builds?owner=alice", 400, "owner and repo are required"},
		{"/api/builds?owner=alice&repo=fns&limit=0", 400, "limit"},
		{"/api/builds/2", 200, `"digest": "sha256:ab"`},
		{"/api/builds/1", 200, `"failed_step": "build"`},
		{"/api/builds/3", 404, "no such build"},
		{"/api/builds/x", 404, "no such build"},
	}
	for _, c := range cases {
		code, body := get(t, srv.URL+c.path)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("GET %s = %d %s, want %d with %q", c.path, code, body, c.code, c.want)
		}
	}
	if _, body := get(t, srv.URL+"/api/builds?owner=alice&repo=fns&limit=1"); strings.Contains(body, `"id": 1`) {
		t.Errorf("limit=1 returned more than one build: %s", body)
	}
}

func TestBuildsAPIWhenTheStoreIsDown(t *testing.T) {
	srv := serve(t, reader{err: errors.New("connection refused")})
	for _, path := range []string{"/api/builds?owner=a&repo=b", "/api/builds/1"} {
		code, body := get(t, srv.URL+path)
		if code != 503 || strings.Contains(body, "refused") {
			t.Errorf("GET %s = %d %s, want 503 without internals", path, code, body)
		}
	}
}

func TestReadyzIsFalseWhileADependencyIsDown(t *testing.T) {
	up := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("nats: not connected") }
	slow := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	cases := []struct {
		checks map[string]Check
		code   int
	}{
		{map[string]Check{"postgres": up, "nats": up}, 200},
		{map[string]Check{"postgres": up, "nats": down}, 503},
		{map[string]Check{"postgres": slow, "nats": up}, 503},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		Readyz(c.checks, 50*time.Millisecond)(rec, httptest.NewRequest("GET", "/readyz", nil))
		var body map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != c.code || len(body) != len(c.checks) {
			t.Errorf("readyz = %d %v, want %d naming every dependency", rec.Code, body, c.code)
		}
		if c.code == 503 && body["nats"] != "nats: not connected" && body["postgres"] == "ok" {
			t.Errorf("readyz does not say what is down: %v", body)
		}
	}
}
