package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

func TestBuildsOfARepository(t *testing.T) {
	api := newFakeAPI(t)
	repo := pipeline.Repo{Provider: pipeline.GitLab, Owner: "acme/platform", Name: "fns"}
	api.handle("GET /api/builds", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"builds": []pipeline.Build{
			{ID: 12, Repo: repo, Kind: pipeline.PullRequest, PullRequest: 7, Branch: "feature", Commit: "0123456789abcdef",
				Message: "Add greeting\n\nLonger text", State: pipeline.Running, CreatedAt: t0.Add(-90 * time.Second), StartedAt: at(-80 * time.Second)},
			{ID: 11, Repo: repo, Kind: pipeline.Tag, Tag: "v1.2.0", Commit: "fedcba9876543210", Message: "Release",
				State: pipeline.Success, CreatedAt: t0.Add(-3 * time.Hour), StartedAt: at(-3 * time.Hour), FinishedAt: at(-3*time.Hour + 65*time.Second)},
			{ID: 10, Repo: repo, Kind: pipeline.Cleanup, Branch: "old", State: pipeline.Failure, CreatedAt: t0.Add(-72 * time.Hour)},
			{ID: 9, Repo: repo, Branch: "main", Commit: "abc", Message: "Bell \a in message", State: pipeline.Queued, CreatedAt: t0.Add(-5 * time.Minute)},
		}})
	})
	got := api.run(map[string]string{"OFC_TOKEN": "s3cret"}, "builds", "acme/platform/fns/", "--limit", "4")
	wantResult(t, got, 0, ""+
		"ID  STATE    REF            COMMIT   AGE  TOOK   MESSAGE\n"+
		"12  running  #7             0123456  1m   1m20s  Add greeting\n"+
		"11  success  v1.2.0         fedcba9  3h   1m05s  Release\n"+
		"10  failure  old (cleanup)  -        3d   -\n"+
		"9   queued   main           abc      5m   -      Bell \uFFFD in message\n")
	r := api.asked()[0]
	if q := r.URL.Query(); q.Get("owner") != "acme/platform" || q.Get("repo") != "fns" || q.Get("limit") != "4" {
		t.Errorf("query %v, want owner=acme/platform repo=fns limit=4", q)
	}
	if h := r.Header.Get("Authorization"); h != "Bearer s3cret" {
		t.Errorf("Authorization %q", h)
	}
}

func TestBuildsNone(t *testing.T) {
	api := newFakeAPI(t)
	api.handle("GET /api/builds", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"builds": []any{}})
	})
	got := api.run(nil, "builds", "--provider", "github", "alice/fns")
	wantResult(t, got, 0, "")
	wantStderr(t, got, "alice/fns has no builds")
	if p := api.asked()[0].URL.Query().Get("provider"); p != "github" {
		t.Errorf("provider %q", p)
	}
}

func TestBuildsNotJSON(t *testing.T) {
	api := newFakeAPI(t)
	api.handle("GET /api/repos", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte("<html>\nlogin</html>"))
	})
	got := api.run(nil, "builds")
	wantResult(t, got, exitAPI, "")
	wantStderr(t, got, "<html> (401 Unauthorized); check --token or OFC_TOKEN")
}

func TestBuildsListsRepositories(t *testing.T) {
	api := newFakeAPI(t)
	api.handle("GET /api/repos", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"repos":[
			{"repo":{"provider":"github","owner":"alice","name":"fns"},
			 "last_build":{"id":4,"kind":"push","state":"error","branch":"main","commit":"aaaaaaaaaa","created_at":"2026-11-23T11:59:00Z"}},
			{"repo":{"provider":"gitlab","owner":"acme/platform","name":"api"},"last_build":null}]}`))
	})
	got := api.run(nil, "builds")
	wantResult(t, got, 0, ""+
		"REPOSITORY         ID  STATE        REF   COMMIT   AGE\n"+
		"alice/fns          4   error        main  aaaaaaa  1m\n"+
		"acme/platform/api  -   never built\n")
}

func TestBuildsWithoutRepositoryList(t *testing.T) {
	api := newFakeAPI(t) // an older server: no /api/repos
	got := api.run(nil, "builds")
	wantResult(t, got, exitUsage, "")
	wantStderr(t, got, "does not list repositories; name one: ofc builds owner/repo")
}

func TestUnreachable(t *testing.T) {
	api := newFakeAPI(t)
	url := api.srv.URL
	api.srv.Close()
	got := runOfc(t, map[string]string{"OFC_URL": url}, "builds", "a/b")
	wantResult(t, got, exitUnreachable, "")
	wantStderr(t, got, "cannot reach the service at "+url)
}

func TestURLPrefixAndFlagsAfterArguments(t *testing.T) {
	api := newFakeAPI(t)
	api.handle("GET /ofc/api/builds", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"builds": []any{}})
	})
	got := runOfc(t, map[string]string{"OFC_URL": "http://127.0.0.1:1"}, "builds", "a/b", "--url", api.srv.URL+"/ofc/", "--token", "t")
	wantResult(t, got, 0, "")
	if r := api.asked()[0]; r.Header.Get("Authorization") != "Bearer t" {
		t.Errorf("Authorization %q", r.Header.Get("Authorization"))
	}
}
