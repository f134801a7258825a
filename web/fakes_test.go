package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/pipeline"
)

// history is a store of builds, newest first, as the pages read it.
type history struct {
	builds []pipeline.Build
	err    error
}

func (h history) ListBuilds(_ context.Context, owner, repo string, limit int) ([]pipeline.Build, error) {
	var out []pipeline.Build
	for _, b := range h.builds {
		if b.Repo.Owner == owner && b.Repo.Name == repo && len(out) < limit {
			out = append(out, b)
		}
	}
	return out, h.err
}

func (h history) GetBuild(_ context.Context, id int64) (pipeline.Build, error) {
	for _, b := range h.builds {
		if b.ID == id {
			return b, h.err
		}
	}
	return pipeline.Build{}, errors.Join(h.err, pipeline.ErrNotFound)
}

func (h history) ListRepos(context.Context) ([]pipeline.RepoSummary, error) {
	var out []pipeline.RepoSummary
	seen := map[pipeline.Repo]bool{}
	for _, b := range h.builds {
		if !seen[b.Repo] {
			seen[b.Repo] = true
			out = append(out, pipeline.RepoSummary{Repo: b.Repo, LastBuild: pipeline.LastBuild{
				ID: b.ID, Kind: b.Kind, State: b.State, Branch: b.Branch, Commit: b.Commit, CreatedAt: b.CreatedAt}})
		}
	}
	return out, h.err
}

// logs is a stored log that answers as the store does: lines after a
// position, in order, a page at most.
type logs struct {
	lines []pipeline.LogLine
	err   error
	reads int
}

func (l *logs) LastLogSeq(context.Context, int64) (int64, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(l.lines) == 0 {
		return 0, nil
	}
	return l.lines[len(l.lines)-1].Seq, nil
}

func (l *logs) ReadLog(_ context.Context, id int64, function *string, after int64, limit int) ([]pipeline.LogLine, error) {
	l.reads++
	if l.err != nil {
		return nil, l.err
	}
	var out []pipeline.LogLine
	for _, line := range l.lines {
		if line.Seq > after && (function == nil || *function == line.Function) && len(out) < limit {
			out = append(out, line)
		}
	}
	return out, nil
}

var (
	linkKey = []byte("a key of thirty-two bytes or more")
	token   = "tok"
)

// site serves the pages over h and l with the real access rules.
func site(t *testing.T, h history, l *logs) *httptest.Server {
	t.Helper()
	p, err := New(Config{
		Builds: h, Repos: h, Logs: l,
		Access:       access.New(access.Config{Links: access.NewSigner(linkKey), Tokens: []string{token}}),
		FunctionsURL: "http://gw.example/",
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:          func() time.Time { return started.Add(90 * time.Second) },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", p.Home)
	mux.HandleFunc("GET /repos/{provider}/{path...}", p.Repo)
	mux.HandleFunc("GET /builds/{id}", p.Build)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// fetch GETs path with the API token when withToken.
func fetch(t *testing.T, srv *httptest.Server, path string, withToken bool) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	if withToken {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}
